package dev.berth.oci;

import static dev.berth.oci.OciSpecsContainerTest.destinations;
import static dev.berth.oci.OciSpecsContainerTest.mount;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OciSpecsInfraTest {
    private static final NamespacePaths NS = Fixtures.POD_NS;

    private static ObjectNode infra(HostFacts host) {
        return OciSpecs.infra("sb1", Path.of("/run/berth/sb1/infra"), NS, "/berth/pod-uid-1/infra",
                Fixtures.sandbox().putAnnotations("pod", "ann").build(), host);
    }

    @Test
    void infra_default_runsCatatonitReadOnlyWithoutCaps() {
        ObjectNode s = infra(Fixtures.HOST_V1);

        assertThat(s.at("/process/args").toString()).isEqualTo("[\"/catatonit\",\"-P\"]");
        assertThat(s.at("/root/readonly").asBoolean()).isTrue();
        assertThat(s.at("/root/path").asText()).isEqualTo("/run/berth/sb1/infra");
        assertThat(s.at("/process/noNewPrivileges").asBoolean()).isTrue();
        assertThat(s.at("/process/capabilities/bounding")).isEmpty();
        assertThat(s.at("/process/capabilities/effective")).isEmpty();
        assertThat(s.at("/process/user/uid").asLong()).isZero();
    }

    @Test
    void infra_catatonit_boundReadOnlyFromHost() {
        ObjectNode s = infra(Fixtures.HOST_V1);

        assertThat(mount(s, "/catatonit").toString()).isEqualTo("{\"destination\":\"/catatonit\",\"type\":\"bind\","
                + "\"source\":\"/usr/bin/catatonit\",\"options\":[\"rbind\",\"rprivate\",\"ro\"]}");
        assertThat(destinations(s)).startsWith("/proc", "/dev");
    }

    @Test
    void infra_namespaces_newPidJoinsPodOnes() {
        ObjectNode s = infra(Fixtures.HOST_V1);

        assertThat(s.at("/linux/namespaces/0").toString()).isEqualTo("{\"type\":\"pid\"}");
        assertThat(s.at("/linux/namespaces").toString()).contains("/run/berth/ns/net/sb1");
        assertThat(s.at("/linux/cgroupsPath").asText()).isEqualTo("/berth/pod-uid-1/infra");
        assertThat(s.get("hostname").asText()).isEqualTo("web-host");
    }

    @Test
    void infra_oomScoreAdj_clampedToBerths() {
        assertThat(infra(Fixtures.HOST_V1).at("/process/oomScoreAdj").asInt()).isZero();
        assertThat(infra(new HostFacts(Fixtures.BOUNDING, -999, CgroupSupport.fullV1(), "amd64")).at("/process/oomScoreAdj").asInt())
                .isEqualTo(-998);
    }

    @Test
    void infra_annotations_sandboxTypeAndId() {
        ObjectNode a = (ObjectNode) infra(Fixtures.HOST_V1).get("annotations");

        assertThat(a.get(OciSpecs.TYPE).asText()).isEqualTo("sandbox");
        assertThat(a.get(OciSpecs.SANDBOX_ID).asText()).isEqualTo("sb1");
        assertThat(a.get(OciSpecs.SANDBOX_UID).asText()).isEqualTo("uid-1");
        assertThat(a.get("pod").asText()).isEqualTo("ann");
    }
}

package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cri.v1.Capability;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.MountPropagation;
import dev.berth.cri.v1.PodSandboxConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One representative container spec compared structurally with a reviewed golden file. To update it after an
 * intended change, run with {@code -Dberth.golden.update=<dir>} and review the diff of the file written there.
 */
class OciSpecsGoldenTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static SpecInput representative() {
        ContainerConfig c = Fixtures.container()
                .addArgs("--port=8080")
                .setWorkingDir("/srv")
                .addEnvs(Fixtures.env("MODE", "prod"))
                .addMounts(Mount.newBuilder().setContainerPath("/var/lib/data/cache").setHostPath("/mnt/cache"))
                .addMounts(Mount.newBuilder().setContainerPath("/var/lib/data").setHostPath("/mnt/data")
                        .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .addMounts(Mount.newBuilder().setContainerPath("/etc/config").setHostPath("/mnt/config")
                        .setReadonly(true))
                .putAnnotations("example.com/owner", "team-a")
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setCpuShares(256).setCpuQuota(20000)
                                .setCpuPeriod(100000).setMemoryLimitInBytes(134217728).setOomScoreAdj(900))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setNoNewPrivs(true)
                                .setCapabilities(Capability.newBuilder().addAddCapabilities("NET_ADMIN")
                                        .addDropCapabilities("MKNOD"))))
                .build();
        PodSandboxConfig pod = Fixtures.sandbox()
                .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.ipv4.ping_group_range", "0 2147483647"))
                .build();
        return Fixtures.input(c, pod, Fixtures.POD_NS, Fixtures.HOST_V1);
    }

    @Test
    void container_representativeConfig_matchesGolden() throws IOException {
        // through text, as runc reads it; this also makes int and long nodes of equal value compare equal
        JsonNode actual = MAPPER.readTree(MAPPER.writeValueAsString(OciSpecs.container(representative())));
        String update = System.getProperty("berth.golden.update");
        if (update != null) {
            Files.writeString(Path.of(update, "container-spec.json"),
                    MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("container-spec.json")) {
            assertThat(in).as("golden file dev/berth/oci/container-spec.json").isNotNull();
            expected = MAPPER.readTree(in);
        }

        assertThat(actual).isEqualTo(expected);
    }
}

package dev.berth.oci;

import static dev.berth.oci.Fixtures.container;
import static dev.berth.oci.Fixtures.input;
import static dev.berth.oci.Fixtures.sandbox;
import static dev.berth.oci.OciSpecsContainerTest.mount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pods with a user namespace of their own ({@code userns_options} mode POD): the CRI's rules, checked as RunPodSandbox
 * and CreateContainer check them, and the spec a container of such a pod gets, on a host whose runc makes idmapped
 * mounts (runc 1.2) and on one whose runc does not (runc 1.1, as on the machines Berth is tested on).
 */
class OciSpecsUserNamespaceTest {

    private static final HostFacts IDMAP_HOST = Fixtures.HOST_V1.withOci(new OciFeatures(true, true));
    private static final String FIELD = "linux.security_context.namespace_options.userns_options";
    private static final NamespacePaths USERNS_NS = new NamespacePaths(Fixtures.POD_NS.network(),
            Fixtures.POD_NS.ipc(), Fixtures.POD_NS.uts(), "", "/run/berth/ns/user/sb1");
    /** What kubelet sends: one range of 65536 IDs from container ID 0. */
    private static final UserNamespace POD_USERNS = UserNamespace.newBuilder().setMode(NamespaceMode.POD)
            .addUids(map(0, 65536, 65536)).addGids(map(0, 65536, 65536)).build();

    private static IDMapping map(int containerId, int hostId, int length) {
        return IDMapping.newBuilder().setContainerId(containerId).setHostId(hostId).setLength(length).build();
    }

    private static PodSandboxConfig pod(UserNamespace userns) {
        return pod(NamespaceOption.newBuilder().setUsernsOptions(userns));
    }

    private static PodSandboxConfig pod(NamespaceOption.Builder options) {
        return sandbox().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(options))).build();
    }

    private static ContainerConfig.Builder runnable() {
        return container().addCommand("/bin/true");
    }

    private static ContainerConfig withUserns(UserNamespace userns) {
        return runnable().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setUsernsOptions(userns)))).build();
    }

    private static ObjectNode spec(ContainerConfig c, PodSandboxConfig pod) {
        return OciSpecs.container(input(c, pod, USERNS_NS, IDMAP_HOST));
    }

    static Stream<Arguments> invalidPodOptions() {
        UserNamespace.Builder pod = POD_USERNS.toBuilder();
        return Stream.of(
                Arguments.of("NODE with uid mappings", UserNamespace.newBuilder().setMode(NamespaceMode.NODE)
                        .addUids(map(0, 65536, 65536)).build(), FIELD + ".uids"),
                Arguments.of("NODE with gid mappings", UserNamespace.newBuilder().setMode(NamespaceMode.NODE)
                        .addGids(map(0, 65536, 65536)).build(), FIELD + ".gids"),
                Arguments.of("CONTAINER", pod.clone().setMode(NamespaceMode.CONTAINER).build(), FIELD + ".mode"),
                Arguments.of("TARGET", pod.clone().setMode(NamespaceMode.TARGET).build(), FIELD + ".mode"),
                Arguments.of("two uid mappings", pod.clone().addUids(map(65536, 200000, 10)).build(),
                        FIELD + ".uids"),
                Arguments.of("two gid mappings", pod.clone().addGids(map(65536, 200000, 10)).build(),
                        FIELD + ".gids"),
                Arguments.of("POD without uid mappings", pod.clone().clearUids().build(), FIELD + ".uids"),
                Arguments.of("POD without gid mappings", pod.clone().clearGids().build(), FIELD + ".gids"),
                Arguments.of("container root unmapped (uids)", pod.clone().setUids(0, map(1, 65536, 65536)).build(),
                        FIELD + ".uids[0].container_id"),
                Arguments.of("container root unmapped (gids)", pod.clone().setGids(0, map(1000, 65536, 65536))
                        .build(), FIELD + ".gids[0].container_id"),
                Arguments.of("empty mapping", pod.clone().setUids(0, map(0, 65536, 0)).build(),
                        FIELD + ".uids[0].length"),
                Arguments.of("mapping past the last ID", pod.clone().setGids(0, map(0, -10, 65536)).build(),
                        FIELD + ".gids[0].length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPodOptions")
    void podUserNamespace_invalidOptions_rejectedNamingTheField(String what, UserNamespace userns, String field) {
        assertThatThrownBy(() -> OciSpecs.podUserNamespace(pod(userns), IDMAP_HOST))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void podUserNamespace_podModeOnRuncWithoutIdmap_rejectedNamingMode() {
        assertThatThrownBy(() -> OciSpecs.podUserNamespace(pod(POD_USERNS), Fixtures.HOST_V1))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> {
                    assertThat(e.field()).isEqualTo(FIELD + ".mode");
                    assertThat(e.getMessage()).contains("runc 1.2");
                });
    }

    @Test
    void podUserNamespace_podModeWithNodeNamespaces_rejectedNamingMode() {
        for (NamespaceOption.Builder shared : List.of(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE),
                NamespaceOption.newBuilder().setIpc(NamespaceMode.NODE),
                NamespaceOption.newBuilder().setPid(NamespaceMode.NODE))) {
            PodSandboxConfig config = pod(shared.setUsernsOptions(POD_USERNS));

            assertThatThrownBy(() -> OciSpecs.podUserNamespace(config, IDMAP_HOST)).as(shared.toString())
                    .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                            e -> assertThat(e.field()).isEqualTo(FIELD + ".mode"));
        }
    }

    @Test
    void podUserNamespace_noneOrNode_nodesNamespace() {
        assertThat(OciSpecs.podUserNamespace(sandbox().build(), Fixtures.HOST_V1)).isEmpty();
        assertThat(OciSpecs.podUserNamespace(pod(UserNamespace.newBuilder().setMode(NamespaceMode.NODE).build()),
                Fixtures.HOST_V1)).isEmpty();
    }

    @Test
    void podUserNamespace_kubeletsOptionsOnIdmapHost_accepted() {
        assertThat(OciSpecs.podUserNamespace(pod(POD_USERNS), IDMAP_HOST)).contains(POD_USERNS);
    }

    @Test
    void container_podUserNamespace_joinsItByPathWithItsMappings() {
        ObjectNode s = spec(withUserns(POD_USERNS), pod(POD_USERNS));

        assertThat(s.at("/linux/namespaces").get(0).toString())
                .isEqualTo("{\"type\":\"user\",\"path\":\"/run/berth/ns/user/sb1\"}");
        assertThat(s.at("/linux/uidMappings").toString())
                .isEqualTo("[{\"containerID\":0,\"hostID\":65536,\"size\":65536}]");
        assertThat(s.at("/linux/gidMappings").toString())
                .isEqualTo("[{\"containerID\":0,\"hostID\":65536,\"size\":65536}]");
    }

    @Test
    void container_podUserNamespace_sandboxFilesIdmappedButNotShm() {
        ObjectNode s = spec(withUserns(POD_USERNS), pod(POD_USERNS));

        for (String file : List.of("/etc/hostname", "/etc/hosts", "/etc/resolv.conf")) {
            JsonNode m = mount(s, file);
            assertThat(m.get("options").toString()).as(file).isEqualTo("[\"rbind\",\"rprivate\",\"rw\",\"idmap\"]");
            assertThat(m.get("uidMappings").toString()).as(file)
                    .isEqualTo("[{\"containerID\":0,\"hostID\":65536,\"size\":65536}]");
            assertThat(m.get("gidMappings").toString()).as(file)
                    .isEqualTo("[{\"containerID\":0,\"hostID\":65536,\"size\":65536}]");
        }
        assertThat(mount(s, "/dev/shm").has("uidMappings")).isFalse();
        assertThat(mount(s, "/dev/shm").get("options").toString()).doesNotContain("idmap");
    }

    @Test
    void container_volumeWithMappings_idmappedBindMount() {
        ContainerConfig c = withUserns(POD_USERNS).toBuilder().addMounts(Mount.newBuilder()
                .setContainerPath("/data").setHostPath("/var/lib/kubelet/pods/p/volumes/data").setReadonly(true)
                .addUidMappings(map(0, 65536, 65536)).addGidMappings(map(0, 65536, 65536))).build();

        JsonNode m = mount(spec(c, pod(POD_USERNS)), "/data");

        assertThat(m.toString()).isEqualTo("{\"destination\":\"/data\",\"type\":\"bind\","
                + "\"source\":\"/var/lib/kubelet/pods/p/volumes/data\","
                + "\"options\":[\"rbind\",\"rprivate\",\"ro\",\"idmap\"],"
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":65536,\"size\":65536}],"
                + "\"gidMappings\":[{\"containerID\":0,\"hostID\":65536,\"size\":65536}]}");
    }

    @Test
    void container_volumeWithMappingsOnRuncWithoutIdmap_rejectedNamingTheMount() {
        ContainerConfig c = runnable().addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("/d")
                .addUidMappings(map(0, 65536, 65536)).addGidMappings(map(0, 65536, 65536))).build();

        assertThatThrownBy(() -> OciSpecs.container(input(c)))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("mounts[0].uidMappings"));
    }

    @Test
    void container_volumeWithUidMappingsOnly_rejectedNamingGidMappings() {
        ContainerConfig c = withUserns(POD_USERNS).toBuilder().addMounts(Mount.newBuilder()
                .setContainerPath("/data").setHostPath("/d").addUidMappings(map(0, 65536, 65536))).build();

        assertThatThrownBy(() -> spec(c, pod(POD_USERNS)))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("mounts[0].gidMappings"));
    }

    @Test
    void container_withoutOwnOptionsInUsernsPod_inheritsThePodsNamespace() {
        ObjectNode s = spec(runnable().build(), pod(POD_USERNS));

        assertThat(s.at("/linux/uidMappings/0/hostID").asLong()).isEqualTo(65536);
    }

    @Test
    void container_optionsOtherThanThePods_rejectedNamingThem() {
        UserNamespace other = POD_USERNS.toBuilder().setUids(0, map(0, 131072, 65536)).build();

        assertThatThrownBy(() -> spec(withUserns(other), pod(POD_USERNS)))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo(FIELD));
    }

    @Test
    void container_containerOrTargetMode_rejectedNamingMode() {
        for (NamespaceMode mode : List.of(NamespaceMode.CONTAINER, NamespaceMode.TARGET)) {
            ContainerConfig c = withUserns(POD_USERNS.toBuilder().setMode(mode).build());

            assertThatThrownBy(() -> spec(c, pod(POD_USERNS))).as(mode.name())
                    .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                            e -> assertThat(e.field()).isEqualTo(FIELD + ".mode"));
        }
    }

    @Test
    void container_podWithNodesUserNamespace_noUserNamespaceOrMappings() {
        PodSandboxConfig nodePod = pod(UserNamespace.newBuilder().setMode(NamespaceMode.NODE).build());
        ContainerConfig c = withUserns(UserNamespace.newBuilder().setMode(NamespaceMode.NODE).build());

        ObjectNode s = OciSpecs.container(input(c, nodePod, Fixtures.POD_NS, IDMAP_HOST));

        assertThat(s.at("/linux/namespaces").findValuesAsText("type")).doesNotContain("user");
        assertThat(s.at("/linux").has("uidMappings")).isFalse();
        assertThat(mount(s, "/etc/hosts").has("uidMappings")).isFalse();
    }

    @Test
    void container_userNamespacePathWithoutPodUserNamespace_isADefect() {
        assertThatThrownBy(() -> OciSpecs.container(input(runnable().build(), sandbox().build(), USERNS_NS,
                IDMAP_HOST))).isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(BerthException.class);
    }

    @Test
    void infra_podUserNamespace_joinsItWithItsMappings() {
        ObjectNode s = OciSpecs.infra("sb1", Path.of("/run/berth/sb1/infra"), USERNS_NS, "/berth/pod-uid-1/infra",
                pod(POD_USERNS), IDMAP_HOST);

        assertThat(s.at("/linux/namespaces").get(0).toString())
                .isEqualTo("{\"type\":\"user\",\"path\":\"/run/berth/ns/user/sb1\"}");
        assertThat(s.at("/linux/uidMappings/0/hostID").asLong()).isEqualTo(65536);
        assertThat(s.at("/linux/gidMappings/0/size").asLong()).isEqualTo(65536);
    }
}

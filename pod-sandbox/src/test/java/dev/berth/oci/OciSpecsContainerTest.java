package dev.berth.oci;

import static dev.berth.oci.Fixtures.HOST_V1;
import static dev.berth.oci.Fixtures.POD_NS;
import static dev.berth.oci.Fixtures.container;
import static dev.berth.oci.Fixtures.env;
import static dev.berth.oci.Fixtures.input;
import static dev.berth.oci.Fixtures.sandbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.Capability;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.Device;
import dev.berth.cri.v1.HugepageLimit;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.host.BerthException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OciSpecsContainerTest {

    private static ContainerConfig withSecurity(LinuxContainerSecurityContext.Builder sc) {
        return container().addCommand("x").setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc)).build();
    }

    private static ContainerConfig.Builder runnable() {
        return container().addCommand("/bin/true");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static ObjectNode spec(ContainerConfig c) {
        return OciSpecs.container(input(c));
    }

    @Test
    void container_minimal_hasVersionArgsAndRoot() {
        ObjectNode s = spec(container().build());

        assertThat(s.get("ociVersion").asText()).isEqualTo("1.0.2");
        assertThat(texts(s.at("/process/args"))).containsExactly("/entry", "cmd1", "cmd2");
        assertThat(s.at("/root/path").asText()).isEqualTo("/var/lib/berth/containers/c1/rootfs");
        assertThat(s.at("/root/readonly").asBoolean()).isFalse();
        assertThat(s.at("/process/terminal").asBoolean()).isFalse();
        assertThat(s.at("/linux/cgroupsPath").asText()).isEqualTo("/berth/pod-uid-1/c1");
    }

    @Test
    void container_envFromImageAndCri_criOverridesByKeyAndHostnameSet() {
        ObjectNode s = spec(runnable().addEnvs(env("IMG", "cri")).addEnvs(env("NEW", "a=b")).build());

        assertThat(texts(s.at("/process/env")))
                .containsExactly("PATH=/image/bin", "HOSTNAME=web-host", "IMG=cri", "NEW=a=b");
    }

    @Test
    void container_imageWithoutPath_getsDefaultPath() {
        ImageSpec image = new ImageSpec(List.of("/e"), List.of(), List.of("A=1"), "", "", "");
        SpecInput in = input(runnable().build());
        SpecInput noPath = new SpecInput(in.containerId(), in.container(), in.sandbox(), image, in.user(),
                in.rootfs(), in.namespaces(), in.cgroupsPath(), in.sandboxFiles(), in.host());

        assertThat(texts(OciSpecs.container(noPath).at("/process/env"))).startsWith(Env.DEFAULT_PATH).contains("A=1");
    }

    static Stream<Arguments> cwdCases() {
        return Stream.of(Arguments.of("/cri", "/img", "/cri"), Arguments.of("", "/img", "/img"),
                Arguments.of("", "", "/"));
    }

    @ParameterizedTest
    @MethodSource("cwdCases")
    void container_workingDirs_criThenImageThenRoot(String cri, String image, String expected) {
        ImageSpec img = new ImageSpec(List.of("/e"), List.of(), List.of(), image, "", "");
        SpecInput in = input(runnable().setWorkingDir(cri).build());
        SpecInput withImage = new SpecInput(in.containerId(), in.container(), in.sandbox(), img, in.user(),
                in.rootfs(), in.namespaces(), in.cgroupsPath(), in.sandboxFiles(), in.host());

        assertThat(OciSpecs.container(withImage).at("/process/cwd").asText()).isEqualTo(expected);
    }

    @Test
    void container_user_isResolvedNumericIdentity() {
        ObjectNode s = spec(runnable().setTty(true).build());

        assertThat(s.at("/process/user/uid").asLong()).isEqualTo(1000);
        assertThat(s.at("/process/user/gid").asLong()).isEqualTo(1000);
        assertThat(s.at("/process/user/additionalGids").toString()).isEqualTo("[1000,10]");
        assertThat(s.at("/process/terminal").asBoolean()).isTrue();
    }

    @Test
    void container_capabilitiesAddDrop_appliedToBoundingEffectivePermitted() {
        ObjectNode s = spec(withSecurity(LinuxContainerSecurityContext.newBuilder().setCapabilities(
                Capability.newBuilder().addAddCapabilities("NET_ADMIN").addDropCapabilities("KILL"))));

        for (String set : List.of("bounding", "effective", "permitted")) {
            assertThat(texts(s.at("/process/capabilities/" + set)))
                    .contains("CAP_NET_ADMIN", "CAP_CHOWN").doesNotContain("CAP_KILL");
        }
        assertThat(s.at("/process/capabilities").has("inheritable")).isFalse();
    }

    @Test
    void container_privileged_getsHostBoundingSetAndWritableSysNoMasks() {
        ObjectNode s = spec(withSecurity(LinuxContainerSecurityContext.newBuilder().setPrivileged(true)));

        assertThat(texts(s.at("/process/capabilities/bounding")))
                .containsExactlyInAnyOrderElementsOf(Fixtures.BOUNDING).doesNotContain("CAP_SYS_RESOURCE");
        assertThat(mount(s, "/sys").get("options").toString()).doesNotContain("\"ro\"");
        assertThat(s.at("/linux").has("maskedPaths")).isFalse();
        assertThat(s.at("/linux").has("readonlyPaths")).isFalse();
        assertThat(s.at("/linux/resources/devices/0/allow").asBoolean()).isTrue();
    }

    @Test
    void container_unprivileged_readOnlySysAndStandardMasks() {
        ObjectNode s = spec(runnable().build());

        assertThat(texts(mount(s, "/sys").get("options"))).contains("ro");
        assertThat(texts(s.at("/linux/maskedPaths"))).containsExactlyElementsOf(LinuxSection.MASKED_PATHS);
        assertThat(texts(s.at("/linux/readonlyPaths"))).containsExactlyElementsOf(LinuxSection.READONLY_PATHS);
        assertThat(s.at("/linux/resources/devices/0/allow").asBoolean()).isFalse();
    }

    @Test
    void container_criMaskedAndReadonlyPaths_replaceDefaults() {
        ObjectNode s = spec(withSecurity(LinuxContainerSecurityContext.newBuilder()
                .addMaskedPaths("/proc/x").addReadonlyPaths("/proc/y")));

        assertThat(texts(s.at("/linux/maskedPaths"))).containsExactly("/proc/x");
        assertThat(texts(s.at("/linux/readonlyPaths"))).containsExactly("/proc/y");
    }

    @Test
    void container_readonlyRootfs_rootAndSandboxFilesReadOnly() {
        ObjectNode s = spec(withSecurity(LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true)));

        assertThat(s.at("/root/readonly").asBoolean()).isTrue();
        assertThat(texts(mount(s, "/etc/hosts").get("options"))).contains("ro");
    }

    @Test
    void container_noNewPrivs_isCarried() {
        assertThat(spec(withSecurity(LinuxContainerSecurityContext.newBuilder().setNoNewPrivs(true)))
                .at("/process/noNewPrivileges").asBoolean()).isTrue();
        assertThat(spec(runnable().build()).at("/process/noNewPrivileges").asBoolean()).isFalse();
    }

    static Stream<Arguments> oomCases() {
        // requested, Berth's own, expected
        return Stream.of(Arguments.of(500, 0, 500), Arguments.of(-998, 0, 0), Arguments.of(-998, -500, -500),
                Arguments.of(0, 100, 100), Arguments.of(1000, -999, 1000));
    }

    @ParameterizedTest
    @MethodSource("oomCases")
    void container_oomScoreAdj_neverBelowBerths(int requested, int own, int expected) {
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(requested))).build();
        HostFacts host = new HostFacts(Fixtures.BOUNDING, own, CgroupSupport.fullV1(), "amd64");

        assertThat(OciSpecs.container(input(c, sandbox().build(), POD_NS, host)).at("/process/oomScoreAdj").asInt())
                .isEqualTo(expected);
    }

    @Test
    void container_podNamespaces_joinPathsNewPidAndMount() {
        ObjectNode s = spec(runnable().build());

        assertThat(s.at("/linux/namespaces").toString()).isEqualTo("[{\"type\":\"pid\"},"
                + "{\"type\":\"ipc\",\"path\":\"/run/berth/ns/ipc/sb1\"},"
                + "{\"type\":\"uts\",\"path\":\"/run/berth/ns/uts/sb1\"},"
                + "{\"type\":\"mount\"},"
                + "{\"type\":\"network\",\"path\":\"/run/berth/ns/net/sb1\"}]");
        assertThat(s.get("hostname").asText()).isEqualTo("web-host");
    }

    @Test
    void container_hostNamespaces_omittedAndNoHostname() {
        ObjectNode s = OciSpecs.container(input(runnable().build(), sandbox().build(),
                NamespacePaths.host(), HOST_V1));

        assertThat(s.at("/linux/namespaces").toString()).isEqualTo("[{\"type\":\"mount\"}]");
        assertThat(s.has("hostname")).isFalse();
    }

    @Test
    void container_targetPidNamespace_joinsOtherContainersPid() {
        NamespacePaths target = new NamespacePaths("/run/berth/ns/net/sb1", "", "", "/proc/4242/ns/pid");
        ObjectNode s = OciSpecs.container(input(runnable().build(), sandbox().build(), target, HOST_V1));

        assertThat(s.at("/linux/namespaces/0").toString()).isEqualTo("{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}");
        assertThat(s.at("/linux/namespaces/1").toString()).isEqualTo("{\"type\":\"ipc\"}");
    }

    @Test
    void container_cgroupV2_addsCgroupNamespaceAndUnified() {
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(
                LinuxContainerResources.newBuilder().putUnified("memory.high", "100000"))).build();
        HostFacts v2 = new HostFacts(Fixtures.BOUNDING, 0, CgroupSupport.fullV2(), "amd64");

        ObjectNode s2 = OciSpecs.container(input(c, sandbox().build(), POD_NS, v2));
        ObjectNode s1 = OciSpecs.container(input(c, sandbox().build(), POD_NS, HOST_V1));

        assertThat(s2.at("/linux/namespaces").toString()).contains("{\"type\":\"cgroup\"}");
        assertThat(s2.at("/linux/resources/unified/memory.high").asText()).isEqualTo("100000");
        assertThat(s1.at("/linux/namespaces").toString()).doesNotContain("cgroup");
        assertThat(s1.at("/linux/resources").has("unified")).isFalse();
    }

    @Test
    void container_resources_mappedToOciFields() {
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(
                LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(50000).setCpuPeriod(100000)
                        .setCpusetCpus("0-1").setCpusetMems("0").setMemoryLimitInBytes(64 << 20)
                        .setMemorySwapLimitInBytes(128 << 20)
                        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4 << 20))))
                .build();

        JsonNode r = spec(c).at("/linux/resources");

        assertThat(r.at("/cpu").toString())
                .isEqualTo("{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"}");
        assertThat(r.at("/memory").toString()).isEqualTo("{\"limit\":67108864,\"swap\":134217728}");
        assertThat(r.at("/hugepageLimits").toString()).isEqualTo("[{\"pageSize\":\"2MB\",\"limit\":4194304}]");
    }

    private static LinuxContainerResources kubeletLimits() {
        // what kubelet sends on every container: a limit of 0 for each page size the kernel has
        return LinuxContainerResources.newBuilder().setCpuShares(2).setCpusetCpus("0").setMemoryLimitInBytes(64 << 20)
                .setMemorySwapLimitInBytes(64 << 20)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("1GB").setLimit(0))
                .putUnified("memory.high", "100000").putUnified("hugetlb.2MB.max", "0").putUnified("rdma.max", "x")
                .build();
    }

    static Stream<Arguments> missingControllers() {
        // controllers the host lacks, the resources fields that must then be absent, those that must remain
        return Stream.of(
                Arguments.of(Set.of("hugetlb"), List.of("/hugepageLimits"), List.of("/cpu/shares", "/memory/limit")),
                Arguments.of(Set.of("cpu"), List.of("/cpu/shares"), List.of("/cpu/cpus", "/hugepageLimits")),
                Arguments.of(Set.of("cpuset"), List.of("/cpu/cpus"), List.of("/cpu/shares")),
                Arguments.of(Set.of("memory"), List.of("/memory"), List.of("/cpu/shares", "/hugepageLimits")),
                Arguments.of(Set.of("cpu", "cpuset"), List.of("/cpu"), List.of("/memory/limit")));
    }

    @ParameterizedTest
    @MethodSource("missingControllers")
    void container_controllerMissingOnV1Host_leavesItsLimitsOut(Set<String> missing, List<String> absent,
                                                               List<String> present) {
        Set<String> controllers = new java.util.TreeSet<>(CgroupSupport.fullV1().controllers());
        controllers.removeAll(missing);
        HostFacts host = new HostFacts(Fixtures.BOUNDING, 0, new CgroupSupport(false, controllers, true), "amd64");
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(kubeletLimits()))
                .build();

        JsonNode r = OciSpecs.container(input(c, sandbox().build(), POD_NS, host)).at("/linux/resources");
        JsonNode update = OciSpecs.updatedResources(kubeletLimits(), host);

        for (String field : absent) {
            assertThat(r.at(field).isMissingNode()).as("spec %s", field).isTrue();
            assertThat(update.at(field).isMissingNode()).as("update %s", field).isTrue();
        }
        for (String field : present) {
            assertThat(r.at(field).isMissingNode()).as("spec %s", field).isFalse();
            assertThat(update.at(field).isMissingNode()).as("update %s", field).isFalse();
        }
    }

    @Test
    void container_allControllers_keepsKubeletsZeroHugepageLimits() {
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(kubeletLimits()))
                .build();

        assertThat(spec(c).at("/linux/resources/hugepageLimits").toString())
                .isEqualTo("[{\"pageSize\":\"2MB\",\"limit\":0},{\"pageSize\":\"1GB\",\"limit\":0}]");
    }

    @Test
    void container_noSwapAccounting_keepsMemoryLimitDropsSwap() {
        HostFacts host = new HostFacts(Fixtures.BOUNDING, 0,
                new CgroupSupport(false, CgroupSupport.fullV1().controllers(), false), "amd64");
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(kubeletLimits()))
                .build();

        assertThat(OciSpecs.container(input(c, sandbox().build(), POD_NS, host)).at("/linux/resources/memory")
                .toString()).isEqualTo("{\"limit\":67108864}");
    }

    @Test
    void container_v2WithoutHugetlbOrRdma_dropsTheirUnifiedKeysAndHugepages() {
        HostFacts host = new HostFacts(Fixtures.BOUNDING, 0,
                new CgroupSupport(true, Set.of("cpu", "cpuset", "memory", "pids"), true), "amd64");
        ContainerConfig c = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(kubeletLimits()))
                .build();

        JsonNode r = OciSpecs.container(input(c, sandbox().build(), POD_NS, host)).at("/linux/resources");

        assertThat(r.at("/unified").toString()).isEqualTo("{\"memory.high\":\"100000\"}");
        assertThat(r.has("hugepageLimits")).isFalse();
    }

    @Test
    void container_noResources_onlyDeviceRule() {
        JsonNode r = spec(runnable().build()).at("/linux/resources");

        assertThat(r.has("cpu")).isFalse();
        assertThat(r.has("memory")).isFalse();
        assertThat(r.get("devices")).hasSize(1);
    }

    @Test
    void container_podSysctls_carried() {
        PodSandboxConfig pod = sandbox().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("net.ipv4.ip_unprivileged_port_start", "0").putSysctls("kernel.shm_rmid_forced", "1"))
                .build();

        ObjectNode s = OciSpecs.container(input(runnable().build(), pod, POD_NS, HOST_V1));

        assertThat(s.at("/linux/sysctl").toString())
                .isEqualTo("{\"kernel.shm_rmid_forced\":\"1\",\"net.ipv4.ip_unprivileged_port_start\":\"0\"}");
    }

    @Test
    void container_netSysctlWithHostNetwork_rejectedNamingIt() {
        PodSandboxConfig pod = sandbox().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("net.ipv4.ip_forward", "1")
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)))).build();

        assertThatThrownBy(() -> OciSpecs.container(input(runnable().build(), pod, POD_NS, HOST_V1)))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("net.ipv4.ip_forward");
    }

    @Test
    void container_annotations_criPlusKubernetesKeys() {
        ObjectNode s = spec(runnable().putAnnotations("a", "b")
                .putAnnotations(OciSpecs.TYPE, "spoofed").build());

        assertThat(s.at("/annotations/a").asText()).isEqualTo("b");
        assertThat(s.at("/annotations").get(OciSpecs.TYPE).asText()).isEqualTo("container");
        assertThat(s.at("/annotations").get(OciSpecs.CONTAINER_NAME).asText()).isEqualTo("app");
        assertThat(s.at("/annotations").get(OciSpecs.SANDBOX_NAME).asText()).isEqualTo("web");
        assertThat(s.at("/annotations").get(OciSpecs.SANDBOX_NAMESPACE).asText()).isEqualTo("default");
        assertThat(s.at("/annotations").get(OciSpecs.SANDBOX_UID).asText()).isEqualTo("uid-1");
    }

    @Test
    void container_criDevice_addsNodeAndCgroupRule() {
        ContainerConfig c = runnable().addDevices(Device.newBuilder().setHostPath("/dev/fuse")
                .setContainerPath("/dev/fuse").setPermissions("rw")).build();
        SpecInput in = input(c);

        ObjectNode s = OciSpecs.container(new SpecInput(in.containerId(), c, in.sandbox(), in.image(), in.user(),
                in.rootfs(), in.namespaces(), in.cgroupsPath(), in.sandboxFiles(), in.host(), null,
                Map.of("/dev/fuse", new HostDevice("c", 10, 229, 0666, 0, 0))));

        assertThat(s.at("/linux/devices/0/path").asText()).isEqualTo("/dev/fuse");
        assertThat(s.at("/linux/devices/0/major").asLong()).isEqualTo(10);
        assertThat(s.at("/linux/resources/devices/1").toString())
                .isEqualTo("{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}");
    }

    @Test
    void container_noDevices_hasNoDeviceNodes() {
        ObjectNode s = OciSpecs.container(input(runnable().build()));

        assertThat(s.at("/linux").has("devices")).isFalse();
    }

    @Test
    void container_noSeccompNoApparmor_omitted() {
        ObjectNode s = spec(runnable().build());

        assertThat(s.at("/linux").has("seccomp")).isFalse();
        assertThat(s.at("/process").has("apparmorProfile")).isFalse();
        assertThat(s.at("/process").has("rlimits")).isFalse();
    }

    @Test
    void container_runtimeDefaultSeccomp_followsHostArchAndEffectiveCapabilities() {
        ContainerConfig c = withSecurity(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))
                .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_PTRACE")));
        HostFacts arm = new HostFacts(Fixtures.BOUNDING, 0, CgroupSupport.fullV2(), "aarch64");

        ObjectNode s = OciSpecs.container(input(c, sandbox().build(), POD_NS, arm));

        assertThat(s.at("/linux/seccomp/architectures").toString())
                .isEqualTo("[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]");
        assertThat(Seccomp.allowed(s.at("/linux/seccomp"))).contains("ptrace", "chroot", "set_tls")
                .doesNotContain("mount", "arch_prctl");
    }

    static JsonNode mount(ObjectNode spec, String destination) {
        for (JsonNode m : spec.get("mounts")) {
            if (m.get("destination").asText().equals(destination)) {
                return m;
            }
        }
        throw new AssertionError("no mount at " + destination + " in " + spec.get("mounts"));
    }

    static List<String> destinations(ObjectNode spec) {
        List<String> out = new ArrayList<>();
        spec.get("mounts").forEach(m -> out.add(m.get("destination").asText()));
        return out;
    }


    @Test
    void container_bidirectionalMount_sharesTheRoot() {
        ObjectNode s = spec(runnable().addMounts(dev.berth.cri.v1.Mount.newBuilder().setContainerPath("/a")
                        .setHostPath("/tmp").setPropagation(dev.berth.cri.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .addMounts(dev.berth.cri.v1.Mount.newBuilder().setContainerPath("/b").setHostPath("/tmp")
                        .setPropagation(dev.berth.cri.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL)).build());

        assertThat(s.at("/linux/rootfsPropagation").asText()).isEqualTo("rshared");
    }

    @Test
    void container_hostToContainerMount_makesTheRootASlave() {
        ObjectNode s = spec(runnable().addMounts(dev.berth.cri.v1.Mount.newBuilder().setContainerPath("/a")
                .setHostPath("/tmp").setPropagation(dev.berth.cri.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .build());

        assertThat(s.at("/linux/rootfsPropagation").asText()).isEqualTo("rslave");
    }

    @Test
    void container_privateMountsOnly_leavesRuncsDefault() {
        ObjectNode s = spec(runnable().addMounts(dev.berth.cri.v1.Mount.newBuilder().setContainerPath("/a")
                .setHostPath("/tmp")).build());

        assertThat(s.at("/linux").has("rootfsPropagation")).isFalse();
    }

    @Test
    void checkSysctls_ipcSysctlWithHostIpc_invalidNamingTheKey() {
        PodSandboxConfig pod = sandbox().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("kernel.shm_rmid_forced", "1")
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setIpc(NamespaceMode.NODE)))).build();

        assertThatThrownBy(() -> OciSpecs.checkSysctls(pod))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("linux.sysctls[kernel.shm_rmid_forced]"));
    }

    @Test
    void checkSysctls_notOfThePodsNamespacesOrMalformed_invalid() {
        for (String key : new String[] {"vm.swappiness", "kernel.hostname", "../net.x", "net.ipv4.\nx", "Net.x"}) {
            PodSandboxConfig pod = sandbox().setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls(key, "1")).build();

            assertThatThrownBy(() -> OciSpecs.checkSysctls(pod)).as(key)
                    .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                            e -> assertThat(e.field()).startsWith("linux.sysctls"));
        }
    }

    @Test
    void checkSysctls_controlCharacterInValue_invalidNamingTheKey() {
        PodSandboxConfig pod = sandbox().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("net.ipv4.ip_unprivileged_port_start", "0\nkernel.x=1")).build();

        assertThatThrownBy(() -> OciSpecs.checkSysctls(pod))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("linux.sysctls[net.ipv4.ip_unprivileged_port_start]"));
    }

    @Test
    void checkSysctls_kubeletsSafeSysctls_accepted() {
        PodSandboxConfig pod = sandbox().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("kernel.shm_rmid_forced", "1").putSysctls("net.ipv4.ip_local_port_range", "1024 65000")
                .putSysctls("net.ipv4.tcp_syncookies", "1").putSysctls("net.ipv4.ping_group_range", "0 2147483647")
                .putSysctls("fs.mqueue.msg_max", "20").putSysctls("kernel.domainname", "example")).build();

        assertThatCode(() -> OciSpecs.checkSysctls(pod)).doesNotThrowAnyException();
    }

    @Test
    void container_cpusetTheNodeLacks_invalidNamingTheField() {
        HostFacts twoCpus = new HostFacts(Fixtures.BOUNDING, 0, CgroupSupport.fullV1(), "amd64", "0-1", "0");
        var config = runnable().setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources
                .newBuilder().setCpusetCpus("1-2"))).build();

        assertThatThrownBy(() -> OciSpecs.container(input(config, sandbox().build(), POD_NS, twoCpus)))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("linux.resources.cpuset_cpus"));
    }

    @Test
    void updatedResources_memoryNodeTheNodeLacks_invalidNamingTheField() {
        HostFacts oneNode = new HostFacts(Fixtures.BOUNDING, 0, CgroupSupport.fullV1(), "amd64", "0-1", "0");

        assertThatThrownBy(() -> OciSpecs.updatedResources(LinuxContainerResources.newBuilder().setCpusetCpus("0")
                .setCpusetMems("1").build(), oneNode))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("cpuset_mems"));
        assertThat(OciSpecs.updatedResources(LinuxContainerResources.newBuilder().setCpusetCpus("0-1")
                .setCpusetMems("0").build(), oneNode).at("/cpu/cpus").asText()).isEqualTo("0-1");
    }
}

package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.Int64Value;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.SupplementalGroupsPolicy;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import dev.berth.host.CommandException;
import dev.berth.oci.ImageSpec;
import dev.berth.oci.UserSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PodRuntime's logic at its seams, with a recording OCI runtime, process runner and cgroups: the order of undo
 * steps, recovery of what a crash left, and stop escalation. Pods use the host's network and IPC, so nothing here
 * needs root or mounts.
 */
class PodRuntimeTest {

    private static final String PARENT = "/berth-unit";
    private static final ImageSpec IMAGE = new ImageSpec(List.of(), List.of(), List.of("PATH=/bin"), "", "", "");

    @TempDir
    Path dir;
    private RuntimeSettings settings;
    private final RecordingOciRuntime oci = new RecordingOciRuntime();
    private final RecordingHost host = new RecordingHost();
    private final List<PodRuntime> runtimes = new ArrayList<>();
    private Path rootfs;

    @BeforeEach
    void setUp() throws IOException {
        settings = new RuntimeSettings(dir.resolve("root"), dir.resolve("state"), Path.of("/usr/sbin/runc"),
                Path.of("/usr/bin/conmon"), Path.of("/usr/bin/catatonit"), "cgroupfs", PARENT);
        rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        rootfs = rootfs.getParent();
    }

    @AfterEach
    void closeRuntimes() {
        runtimes.forEach(PodRuntime::close);
    }

    private PodRuntime runtime() {
        PodRuntime runtime = new PodRuntime(settings, host.runner, oci, host.cgroupFs);
        runtime.recover();
        runtimes.add(runtime);
        return runtime;
    }

    @Test
    void createSandbox_infraFailsToStart_undoesEverythingInReverseAndKeepsNothing() {
        PodRuntime runtime = runtime();
        String id = id();
        oci.failOn("create", new CommandException(List.of("conmon"), 1, "runc create failed: boom"));

        assertThatThrownBy(() -> runtime.createSandbox(id, pod("web", NamespaceMode.POD), ""))
                .hasMessageStartingWith("runc create failed: boom");

        assertThat(host.calls).containsExactly("cgroup create " + PARENT + "/" + id,
                "cgroup remove " + PARENT + "/" + id);
        assertThat(oci.calls).containsSubsequence("create " + id, "delete " + id);
        assertThat(runtime.sandbox(id)).isEmpty();
        assertThat(settings.stateDir().resolve("sandboxes").resolve(id)).doesNotExist();
        // the name was released with everything else
        runtime.createSandbox(id(), pod("web", NamespaceMode.POD), "");
    }

    @Test
    void recover_sandboxWhoseCreationNeverFinished_takenApart() {
        String id = id();
        runtime().createSandbox(id, pod("half", NamespaceMode.POD), "");
        oci.calls.clear();
        host.calls.clear();

        PodRuntime restarted = runtime();

        assertThat(restarted.sandbox(id)).isEmpty();
        assertThat(oci.calls).containsSubsequence("kill " + id + " KILL", "delete " + id);
        assertThat(host.calls).contains("cgroup remove " + PARENT + "/" + id);
        assertThat(host.cgroups).isEmpty();
    }

    @Test
    void recover_orphanPodCgroupWithoutRecord_removed_butOthersKept() {
        String orphan = id();
        host.cgroups.add(PARENT + "/" + orphan);
        host.cgroups.add(PARENT + "/not-a-sandbox");

        runtime();

        assertThat(host.cgroups).containsExactly(PARENT + "/not-a-sandbox");
    }

    @Test
    void stopContainer_stopSignalIgnored_killsAfterTheTimeout() {
        PodRuntime runtime = runtime();
        String pod = readyPod(runtime);
        String c = id();
        runtime.createContainer(c, pod, container("app"), IMAGE, "img", "ref", rootfs);
        runtime.startContainer(c);
        oci.ignoreStopSignal = true;
        long begin = System.nanoTime();

        ContainerInfo stopped = runtime.stopContainer(c, 1);

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(oci.calls).containsSubsequence("kill " + c + " SIGTERM", "kill " + c + " KILL");
        assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
        assertThat(stopped.exitCode()).isEqualTo(137);
    }

    @Test
    void stopContainer_obeysTheStopSignal_noKill() {
        PodRuntime runtime = runtime();
        String pod = readyPod(runtime);
        String c = id();
        runtime.createContainer(c, pod, container("app"), IMAGE, "img", "ref", rootfs);
        runtime.startContainer(c);

        ContainerInfo stopped = runtime.stopContainer(c, 30);

        assertThat(oci.calls).contains("kill " + c + " SIGTERM").doesNotContain("kill " + c + " KILL");
        assertThat(stopped.exitCode()).isEqualTo(143);
    }

    @Test
    void recover_containerRuncStartedButNeverRecorded_isRunning() {
        PodRuntime runtime = runtime();
        String pod = readyPod(runtime);
        String c = id();
        runtime.createContainer(c, pod, container("app"), IMAGE, "img", "ref", rootfs);
        oci.start(c);
        assertThat(runtime.container(c).orElseThrow().state()).isEqualTo(ContainerState.CREATED);

        PodRuntime restarted = runtime();

        assertThat(restarted.container(c).orElseThrow().state()).isEqualTo(ContainerState.RUNNING);
    }

    @Test
    void createContainer_runcFails_undoesAndReleasesTheName() throws IOException {
        PodRuntime runtime = runtime();
        String pod = readyPod(runtime);
        Path log = Path.of(dir.toString(), "logs", "app.log");
        oci.failOn("create", new CommandException(List.of("conmon"), 1, "exec: \"nope\": not found"));

        assertThatThrownBy(() -> runtime.createContainer(id(), pod, container("app"), IMAGE, "img", "ref", rootfs))
                .hasMessageStartingWith("exec: \"nope\": not found");

        assertThat(runtime.containers()).isEmpty();
        assertThat(log).doesNotExist();
        try (var bundles = Files.list(settings.stateDir().resolve("containers"))) {
            assertThat(bundles).isEmpty();
        }
        runtime.createContainer(id(), pod, container("app"), IMAGE, "img", "ref", rootfs);
    }

    @Test
    void createContainer_strictGroups_recordsTheResolvedUserAndWritesItToTheSpec() throws IOException {
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "app:x:1000:\nstaff:x:50:app\n");
        PodRuntime runtime = runtime();
        String pod = readyPod(runtime);
        String c = id();
        ContainerConfig config = container("app").toBuilder().setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(1000)).addSupplementalGroups(4000)
                        .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict))).build();

        ContainerInfo created = runtime.createContainer(c, pod, config, IMAGE, "img", "ref", rootfs);

        UserSpec strict = new UserSpec(1000, 1000, List.of(1000L, 4000L), "/");
        assertThat(created.user()).isEqualTo(strict);
        assertThat(runtime.container(c).orElseThrow().user()).isEqualTo(strict);
        String spec = Files.readString(settings.stateDir().resolve("containers").resolve(c).resolve("config.json"));
        assertThat(spec.replaceAll("\\s", "")).contains("\"user\":{\"uid\":1000,\"gid\":1000,"
                + "\"additionalGids\":[1000,4000]}");
    }

    @Test
    void createSandbox_userNamespaceOnRuncWithoutIdmap_invalidNamingModeAndNothingMade() {
        PodRuntime runtime = runtime();
        String id = id();

        assertThatThrownBy(() -> runtime.createSandbox(id, withUserns(pod("web", NamespaceMode.CONTAINER)), ""))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> assertThat(e.field())
                        .isEqualTo("linux.security_context.namespace_options.userns_options.mode"));

        assertThat(host.calls).isEmpty();
        assertThat(oci.calls).isEmpty();
        assertThat(runtime.sandbox(id)).isEmpty();
        assertThat(runtime.features().userNamespaces()).isFalse();
    }

    @Test
    void createSandbox_userNamespaceWithNodesNetworkOnIdmapRunc_invalidNamingModeAndNothingMade() {
        oci.featuresJson = """
                {"linux":{"namespaces":["user","network"],"mountExtensions":{"idmap":{"enabled":true}}}}""";
        PodRuntime runtime = runtime();
        String id = id();

        assertThatThrownBy(() -> runtime.createSandbox(id, withUserns(pod("web", NamespaceMode.CONTAINER)), ""))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> {
                    assertThat(e.field()).isEqualTo("linux.security_context.namespace_options.userns_options.mode");
                    assertThat(e.getMessage()).contains("network");
                });

        assertThat(runtime.features().userNamespaces()).isTrue();
        assertThat(host.calls).isEmpty();
        assertThat(runtime.sandbox(id)).isEmpty();
    }

    private static PodSandboxConfig withUserns(PodSandboxConfig pod) {
        IDMapping range = IDMapping.newBuilder().setHostId(65536).setLength(65536).build();
        return pod.toBuilder().setLinux(pod.getLinux().toBuilder().setSecurityContext(pod.getLinux()
                .getSecurityContext().toBuilder().setNamespaceOptions(pod.getLinux().getSecurityContext()
                        .getNamespaceOptions().toBuilder().setUsernsOptions(UserNamespace.newBuilder()
                                .setMode(NamespaceMode.POD).addUids(range).addGids(range))))).build();
    }

    private String readyPod(PodRuntime runtime) {
        String id = id();
        runtime.createSandbox(id, pod("web", NamespaceMode.CONTAINER), "");
        runtime.setSandboxNetwork(id, "", List.of());
        return id;
    }

    private PodSandboxConfig pod(String name, NamespaceMode pid) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid(UUID.randomUUID().toString()))
                .setLogDirectory(dir.resolve("logs").toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.NODE).setIpc(NamespaceMode.NODE).setPid(pid))))
                .build();
    }

    private static ContainerConfig container(String name) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .addCommand("sleep").addArgs("600").setLogPath(name + ".log").build();
    }

    private static String id() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

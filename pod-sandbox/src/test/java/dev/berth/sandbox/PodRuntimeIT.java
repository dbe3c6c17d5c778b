package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.host.BerthException;
import dev.berth.host.MountTable;
import dev.berth.host.ProcessRunner;
import dev.berth.oci.ImageSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real runc, conmon and namespaces, as root; no CNI. */
class PodRuntimeIT {

    private static final ImageSpec IMAGE = new ImageSpec(List.of(), List.of(),
            List.of("PATH=/bin:/usr/bin"), "", "", "");

    private RuncTestBed bed;
    private Path base;
    private Path rootfs;
    private String cgroupParent;
    private RuntimeSettings settings;
    private PodRuntime runtime;

    @BeforeEach
    void setUp() throws IOException {
        bed = RuncTestBed.create();
        base = bed.base();
        rootfs = bed.rootfs();
        cgroupParent = bed.cgroupParent();
        settings = bed.settings();
        runtime = bed.newRuntime();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (bed == null) {
            return;
        }
        // best effort for a failed test; the test itself asserts the clean state
        try {
            RuncTestBed.removeEverything(runtime);
            runtime.close();
        } finally {
            bed.close();
        }
    }

    @Test
    void podLifecycle_realRuncAndConmon_runsContainersAndLeavesNothingBehind() throws Exception {
        String sandboxId = id();
        SandboxInfo sandbox = createReady(sandboxId, pod("web", NamespaceMode.CONTAINER));

        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        assertThat(sandbox.cgroupParent()).isEqualTo(cgroupParent + "/" + sandboxId);
        for (String kind : List.of("net", "ipc", "uts")) {
            assertThat(MountTable.isMountPoint(settings.stateDir().resolve("ns").resolve(kind).resolve(sandboxId)))
                    .as(kind + " pinned").isTrue();
        }
        assertThat(sandbox.netnsPath()).isEqualTo(settings.stateDir().resolve("ns/net/" + sandboxId).toString());
        String uts = settings.stateDir().resolve("ns/uts/" + sandboxId).toString();
        assertThat(new ProcessRunner().run(List.of("nsenter", "--uts=" + uts, "hostname"), Duration.ofSeconds(10))
                .stdout().strip()).isEqualTo("web-host");

        // a container that runs to completion, logging in the CRI format
        String hello = id();
        ContainerInfo created = runtime.createContainer(hello, sandboxId,
                container("hello", "sh", "-c", "echo hello; hostname"), IMAGE, "sha256:img", "busybox", rootfs);
        assertThat(created.state()).isEqualTo(ContainerState.CREATED);
        assertThat(created.pid()).isPositive();
        runtime.startContainer(hello);
        awaitTrue(() -> runtime.container(hello).orElseThrow().state() == ContainerState.EXITED,
                Duration.ofSeconds(20));
        ContainerInfo done = runtime.container(hello).orElseThrow();
        assertThat(done.exitCode()).isZero();
        assertThat(done.reason()).isEqualTo("Completed");
        assertThat(done.finishedAtNanos()).isGreaterThanOrEqualTo(done.startedAtNanos());
        assertThat(done.logPath()).isEqualTo(base.resolve("logs/hello/0.log").toString());
        List<String> lines = Files.readAllLines(Path.of(done.logPath()), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+\\S* stdout F hello");
        assertThat(lines.get(1)).endsWith(" stdout F web-host");

        // a container that ignores SIGTERM (pid 1 without a handler) is killed after the timeout
        String sleeper = id();
        runtime.createContainer(sleeper, sandboxId, container("sleeper", "sh", "-c", "sleep 1000"), IMAGE,
                "sha256:img", "busybox", rootfs);
        assertThat(runtime.startContainer(sleeper).state()).isEqualTo(ContainerState.RUNNING);
        long sleeperConmon = Long.parseLong(Files.readString(
                settings.stateDir().resolve("containers").resolve(sleeper).resolve("conmon.pid")).strip());
        assertThat(bed.conmons()).as("the leak check sees a running container's conmon").contains(sleeperConmon);
        long t0 = System.nanoTime();
        ContainerInfo stopped = runtime.stopContainer(sleeper, 2);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
        assertThat(stopped.exitCode()).isEqualTo(137);
        assertThat(stopped.reason()).isEqualTo("Error");
        assertThat(runtime.stopContainer(sleeper, 2).exitCode()).as("stop is idempotent").isEqualTo(137);

        // a pod sharing one PID namespace runs catatonit as its pid 1
        String shared = id();
        SandboxInfo sharedPod = createReady(shared, pod("shared", NamespaceMode.POD));
        assertThat(sharedPod.state()).isEqualTo(SandboxState.READY);
        String ps = id();
        runtime.createContainer(ps, shared, container("ps", "sh", "-c", "cat /proc/1/cmdline; echo"), IMAGE,
                "sha256:img", "busybox", rootfs);
        runtime.startContainer(ps);
        awaitTrue(() -> runtime.container(ps).orElseThrow().state() == ContainerState.EXITED,
                Duration.ofSeconds(20));
        assertThat(runtime.container(ps).orElseThrow().exitCode()).isZero();
        assertThat(Files.readString(Path.of(runtime.container(ps).orElseThrow().logPath())))
                .contains("/catatonit");

        // removing a sandbox with containers is refused
        assertThatThrownBy(() -> runtime.removeSandbox(sandboxId))
                .isInstanceOf(BerthException.FailedPrecondition.class);

        for (String c : List.of(hello, sleeper, ps)) {
            runtime.removeContainer(c);
            runtime.removeContainer(c);
        }
        for (String s : List.of(sandboxId, shared)) {
            runtime.stopSandbox(s);
            assertThat(runtime.sandbox(s).orElseThrow().state()).isEqualTo(SandboxState.NOTREADY);
            runtime.releaseNamespaces(s);
            runtime.releaseNamespaces(s);
            runtime.removeSandbox(s);
            runtime.removeSandbox(s);
        }
        runtime.close();

        bed.assertNothingLeaked();
    }

    @Test
    void createSandbox_cgroupParentThatDoesNotExist_invalidAndNothingMade() throws Exception {
        String sandboxId = id();
        PodSandboxConfig config = pod("orphan", NamespaceMode.CONTAINER);
        PodSandboxConfig missingParent = config.toBuilder().setLinux(config.getLinux().toBuilder()
                .setCgroupParent(cgroupParent + "-missing/pod1")).build();

        assertThatThrownBy(() -> runtime.createSandbox(sandboxId, missingParent, ""))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("linux.cgroup_parent"));

        assertThat(runtime.sandbox(sandboxId)).isEmpty();
        for (Path h : RuncTestBed.cgroupRoots()) {
            assertThat(h.resolve(cgroupParent.substring(1) + "-missing")).doesNotExist();
        }
        runtime.close();
        bed.assertNothingLeaked();
    }

    @Test
    void createContainer_runcCannotCreate_rollsBackEverything() throws Exception {
        String sandboxId = id();
        createReady(sandboxId, pod("broken", NamespaceMode.CONTAINER));
        String c = id();
        Path missingRootfs = base.resolve("no-such-rootfs");

        assertThatThrownBy(() -> runtime.createContainer(c, sandboxId, container("c", "sh"), IMAGE, "i", "r",
                missingRootfs)).isInstanceOf(BerthException.Failed.class);

        assertThat(runtime.container(c)).isEmpty();
        assertThat(settings.stateDir().resolve("containers").resolve(c)).doesNotExist();
        // the name was released: a retry with the same name succeeds
        runtime.createContainer(c, sandboxId, container("c", "sh", "-c", "true"), IMAGE, "i", "r", rootfs);
        runtime.removeContainer(c);
        runtime.stopSandbox(sandboxId);
        runtime.releaseNamespaces(sandboxId);
        runtime.removeSandbox(sandboxId);
        runtime.close();
        bed.assertNothingLeaked();
    }

    @Test
    void recover_sandboxWhoseCreationNeverFinished_removedWithEverythingItHad() throws Exception {
        String sandboxId = id();
        SandboxInfo half = runtime.createSandbox(sandboxId, pod("half", NamespaceMode.POD), "");
        assertThat(half.state()).as("not ready before its network is set").isEqualTo(SandboxState.NOTREADY);

        PodRuntime restarted = new PodRuntime(settings);
        restarted.recover();

        assertThat(restarted.sandbox(sandboxId)).isEmpty();
        restarted.close();
        runtime = restarted;
        bed.assertNothingLeaked();
    }

    @Test
    void recover_namespacesVanished_marksSandboxNotReady() throws Exception {
        String sandboxId = id();
        createReady(sandboxId, pod("lost", NamespaceMode.CONTAINER));
        Path net = settings.stateDir().resolve("ns/net/" + sandboxId);
        new ProcessRunner().run(List.of("umount", net.toString()), Duration.ofSeconds(10));

        PodRuntime restarted = new PodRuntime(settings);
        restarted.recover();

        assertThat(restarted.sandbox(sandboxId).orElseThrow().state()).isEqualTo(SandboxState.NOTREADY);
        restarted.stopSandbox(sandboxId);
        restarted.releaseNamespaces(sandboxId);
        restarted.removeSandbox(sandboxId);
        restarted.close();
        runtime = restarted;
        bed.assertNothingLeaked();
    }

    /** A sandbox made as RunPodSandbox makes it: created, then finished by setting its (here no) network. */
    private SandboxInfo createReady(String id, PodSandboxConfig config) {
        runtime.createSandbox(id, config, "");
        return runtime.setSandboxNetwork(id, "", List.of());
    }

    private PodSandboxConfig pod(String name, NamespaceMode pid) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid(UUID.randomUUID().toString()))
                .setHostname(name + "-host")
                .setLogDirectory(base.resolve("logs").toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD).setIpc(NamespaceMode.POD)
                                        .setPid(pid))))
                .build();
    }

    private static ContainerConfig container(String name, String... command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .addAllCommand(List.of(command))
                .setLogPath(name + "/0.log")
                .build();
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}

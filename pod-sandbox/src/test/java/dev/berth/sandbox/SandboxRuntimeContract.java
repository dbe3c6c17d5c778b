package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.host.BerthException;
import dev.berth.host.Poller;
import dev.berth.oci.ImageSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CRI handlers rely on from a {@link SandboxRuntime}, run against each implementation: {@link PodRuntime}
 * with real runc and conmon ({@code PodRuntimeContractIT}) and the in-memory fake the handler unit tests use
 * ({@code FakeSandboxRuntimeContractTest} in cri-server). A handler test is only as good as its fake; this suite
 * keeps the fake's states, snapshots and error kinds those of the real runtime.
 *
 * <p>Only what every implementation can honour is asserted: the fake runs no processes, so a container's own
 * output and exec results stay with the real runtime's tests. The one command whose outcome both know is
 * {@code sh -c "exit N"}: it exits with N as soon as it starts. Every other command runs until it is killed.
 *
 * <p>Subclasses make a fresh runtime for each test in {@link #newRuntime()}, which may abort the test through an
 * assumption when the host cannot run it, and remove whatever a test left in their own {@code @AfterEach}. A
 * test drives its runtime from one thread.
 */
public abstract class SandboxRuntimeContract {

    /** How long a container may take to be seen exiting. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(20);
    private static final ImageSpec IMAGE = new ImageSpec(List.of(), List.of(), List.of("PATH=/bin:/usr/bin"), "",
            "", "");
    private static final String IMAGE_ID = "sha256:" + "ab".repeat(32);
    private static final String IMAGE_REF = "docker.io/library/busybox@sha256:" + "cd".repeat(32);
    /** Without a handler for SIGTERM, the container's pid 1 ignores it: only SIGKILL ends this one. */
    private static final List<String> RUNS = List.of("sh", "-c", "sleep 1000");
    /** The exit code of a process killed by SIGKILL, as conmon reports it. */
    private static final int KILLED = 128 + 9;

    @TempDir
    Path logDirectory;
    private SandboxRuntime runtime;

    /** A fresh runtime with nothing in it, ready for use (recovered, for a runtime that needs that). */
    protected abstract SandboxRuntime newRuntime() throws Exception;

    /** The root filesystem containers are created from: one in which {@code /bin/sh} is busybox's. */
    protected abstract Path rootfs();

    /** The cgroup under which the runtime puts a pod for which kubelet names no cgroup parent. */
    protected abstract String defaultCgroupParent();

    /** A cgroup that exists on the node, as kubelet makes one before it runs a pod in it. */
    protected abstract String kubeletCgroupParent();

    @BeforeEach
    final void startRuntime() throws Exception {
        runtime = newRuntime();
    }

    // --- sandboxes ---

    @Test
    void createSandbox_networkNotSetYet_notReadyUntilSetSandboxNetwork() {
        String id = newId();
        PodSandboxConfig config = pod("web");

        SandboxInfo created = runtime.createSandbox(id, config, "runc");

        assertThat(created.id()).isEqualTo(id);
        assertThat(created.config()).isEqualTo(config);
        assertThat(created.runtimeHandler()).isEqualTo("runc");
        assertThat(created.createdAtNanos()).isPositive();
        assertThat(created.state()).isEqualTo(SandboxState.NOTREADY);
        assertThat(created.ip()).isEmpty();
        assertThat(runtime.sandbox(id)).contains(created);

        SandboxInfo ready = runtime.setSandboxNetwork(id, "10.88.0.7", List.of("fd00::7"));

        assertThat(ready.state()).isEqualTo(SandboxState.READY);
        assertThat(ready.ip()).isEqualTo("10.88.0.7");
        assertThat(ready.additionalIps()).containsExactly("fd00::7");
        assertThat(ready.createdAtNanos()).isEqualTo(created.createdAtNanos());
        assertThat(runtime.sandbox(id)).contains(ready);
    }

    @Test
    void createSandbox_ownNetworkNamespace_hasNetnsPath() {
        String id = newId();

        SandboxInfo sandbox = runtime.createSandbox(id, pod("web"), "");

        assertThat(sandbox.netnsPath()).isNotBlank();
    }

    @Test
    void createSandbox_hostNetwork_noNetnsPathAndReadyWithoutIp() {
        String id = newId();
        PodSandboxConfig config = pod("host", NamespaceMode.NODE);

        SandboxInfo sandbox = runtime.createSandbox(id, config, "");
        SandboxInfo ready = runtime.setSandboxNetwork(id, "", List.of());

        assertThat(sandbox.netnsPath()).isNull();
        assertThat(ready.state()).isEqualTo(SandboxState.READY);
        assertThat(ready.ip()).isEmpty();
    }

    @Test
    void createSandbox_noCgroupParent_podCgroupUnderDefaultParent() {
        String id = newId();

        SandboxInfo sandbox = runtime.createSandbox(id, pod("web"), "");

        assertThat(sandbox.cgroupParent()).isEqualTo(defaultCgroupParent() + "/" + id);
    }

    @Test
    void createSandbox_kubeletCgroupParent_podCgroupIsIt() {
        String id = newId();
        PodSandboxConfig config = pod("web");
        PodSandboxConfig inParent = config.toBuilder()
                .setLinux(config.getLinux().toBuilder().setCgroupParent(kubeletCgroupParent())).build();

        SandboxInfo sandbox = runtime.createSandbox(id, inParent, "");

        assertThat(sandbox.cgroupParent()).isEqualTo(kubeletCgroupParent());
    }

    @Test
    void createSandbox_idTaken_alreadyExistsAndFirstKept() {
        String id = newId();
        SandboxInfo first = ready(id, pod("web"));

        assertThatThrownBy(() -> runtime.createSandbox(id, pod("other"), ""))
                .isInstanceOf(BerthException.AlreadyExists.class);

        assertThat(runtime.sandbox(id)).contains(first);
    }

    @Test
    void createSandbox_nameTaken_alreadyExistsUntilFirstRemoved() {
        String first = newId();
        PodSandboxConfig config = pod("web");
        ready(first, config);
        String second = newId();

        assertThatThrownBy(() -> runtime.createSandbox(second, config, ""))
                .isInstanceOf(BerthException.AlreadyExists.class);
        assertThat(runtime.sandbox(second)).isEmpty();

        // kubelet's next attempt at the same pod is another name
        String nextAttempt = newId();
        runtime.createSandbox(nextAttempt, config.toBuilder()
                .setMetadata(config.getMetadata().toBuilder().setAttempt(1)).build(), "");
        runtime.stopSandbox(first);
        runtime.releaseNamespaces(first);
        runtime.removeSandbox(first);
        assertThat(runtime.createSandbox(second, config, "").id()).isEqualTo(second);
    }

    @Test
    void createSandbox_noName_invalidArgumentNamingTheField() {
        PodSandboxConfig config = pod("web");
        PodSandboxConfig nameless = config.toBuilder()
                .setMetadata(config.getMetadata().toBuilder().setName("")).build();
        String id = newId();

        assertThatThrownBy(() -> runtime.createSandbox(id, nameless, ""))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("metadata.name"));
        assertThat(runtime.sandbox(id)).isEmpty();
    }

    @Test
    void sandboxes_createdInTurn_oldestFirst() {
        String a = newId();
        String b = newId();
        String c = newId();
        ready(a, pod("a"));
        runtime.createSandbox(b, pod("b"), "");
        ready(c, pod("c"));

        List<SandboxInfo> listed = runtime.sandboxes();

        assertThat(listed).extracting(SandboxInfo::id).containsExactly(a, b, c);
        assertThat(listed).extracting(SandboxInfo::state)
                .containsExactly(SandboxState.READY, SandboxState.NOTREADY, SandboxState.READY);
        assertThat(listed).extracting(SandboxInfo::createdAtNanos).isSorted();
    }

    @Test
    void setSandboxNetwork_unknownSandbox_notFound() {
        assertThatThrownBy(() -> runtime.setSandboxNetwork(newId(), "10.88.0.7", List.of()))
                .isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void stopSandbox_readySandbox_notReadyKeepingItsAddressAndIdempotent() {
        String id = newId();
        ready(id, pod("web"), "10.88.0.9");

        runtime.stopSandbox(id);
        runtime.stopSandbox(id);

        SandboxInfo stopped = runtime.sandbox(id).orElseThrow();
        assertThat(stopped.state()).isEqualTo(SandboxState.NOTREADY);
        assertThat(stopped.ip()).isEqualTo("10.88.0.9");
        assertThat(runtime.sandboxes()).extracting(SandboxInfo::id).containsExactly(id);
    }

    @Test
    void stopSandbox_withContainers_killsThoseNotExitedAndKeepsExitCodes() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String running = started(sandboxId, "running", RUNS);
        String exited = started(sandboxId, "exited", exits(3));
        awaitExited(exited);
        String created = created(sandboxId, "created", RUNS);

        runtime.stopSandbox(sandboxId);

        ContainerInfo killed = runtime.container(running).orElseThrow();
        assertThat(killed.state()).isEqualTo(ContainerState.EXITED);
        assertThat(killed.exitCode()).isEqualTo(KILLED);
        assertThat(killed.reason()).isEqualTo("Error");
        assertThat(runtime.container(exited).orElseThrow().exitCode()).isEqualTo(3);
        ContainerInfo neverStarted = runtime.container(created).orElseThrow();
        assertThat(neverStarted.state()).isEqualTo(ContainerState.EXITED);
        assertThat(neverStarted.startedAtNanos()).isZero();
    }

    @Test
    void releaseNamespaces_readySandbox_notReadyAndIdempotent() {
        String id = newId();
        ready(id, pod("web"));

        runtime.releaseNamespaces(id);
        runtime.releaseNamespaces(id);

        assertThat(runtime.sandbox(id).orElseThrow().state()).isEqualTo(SandboxState.NOTREADY);
    }

    @Test
    void removeSandbox_stoppedSandbox_goneAndIdempotent() {
        String id = newId();
        String other = newId();
        ready(id, pod("web"));
        ready(other, pod("other"));
        runtime.stopSandbox(id);
        runtime.releaseNamespaces(id);

        runtime.removeSandbox(id);
        runtime.removeSandbox(id);

        assertThat(runtime.sandbox(id)).isEmpty();
        assertThat(runtime.sandboxes()).extracting(SandboxInfo::id).containsExactly(other);
    }

    @Test
    void removeSandbox_readySandbox_stoppedAndRemoved() {
        String id = newId();
        ready(id, pod("web"));

        runtime.removeSandbox(id);

        assertThat(runtime.sandbox(id)).isEmpty();
        assertThat(runtime.sandboxes()).isEmpty();
    }

    @Test
    void removeSandbox_containerRemains_failedPreconditionUntilItIsRemoved() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String containerId = created(sandboxId, "app", RUNS);
        runtime.stopSandbox(sandboxId);
        runtime.releaseNamespaces(sandboxId);

        assertThatThrownBy(() -> runtime.removeSandbox(sandboxId))
                .isInstanceOf(BerthException.FailedPrecondition.class);
        assertThat(runtime.sandbox(sandboxId)).isPresent();
        assertThat(runtime.container(containerId)).isPresent();

        runtime.removeContainer(containerId);
        runtime.removeSandbox(sandboxId);
        assertThat(runtime.sandbox(sandboxId)).isEmpty();
    }

    @Test
    void unknownSandbox_stopReleaseAndRemove_succeedQuietly() {
        String id = newId();

        assertThatCode(() -> {
            runtime.stopSandbox(id);
            runtime.releaseNamespaces(id);
            runtime.removeSandbox(id);
        }).doesNotThrowAnyException();
        assertThat(runtime.sandboxes()).isEmpty();
    }

    @Test
    void unknownSandbox_reads_emptyWithoutError() {
        String id = newId();

        assertThat(runtime.sandbox(id)).isEmpty();
        assertThat(runtime.sandboxUsage(id)).isEmpty();
        assertThat(runtime.sandboxInterfaces(id)).isEmpty();
    }

    @Test
    void portForward_unknownSandbox_notFound() {
        assertThatThrownBy(() -> runtime.portForward(newId(), 8080)).isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void portForward_sandboxNotReady_failedPrecondition() {
        String notYet = newId();
        runtime.createSandbox(notYet, pod("web"), "");
        String stopped = newId();
        ready(stopped, pod("stopped"));
        runtime.stopSandbox(stopped);

        assertThatThrownBy(() -> runtime.portForward(notYet, 8080))
                .isInstanceOf(BerthException.FailedPrecondition.class);
        assertThatThrownBy(() -> runtime.portForward(stopped, 8080))
                .isInstanceOf(BerthException.FailedPrecondition.class);
    }

    @Test
    void portForward_portOutOfRange_invalidArgument() {
        String id = newId();
        ready(id, pod("web"));

        assertThatThrownBy(() -> runtime.portForward(id, 0)).isInstanceOf(BerthException.InvalidArgument.class);
        assertThatThrownBy(() -> runtime.portForward(id, 65536)).isInstanceOf(BerthException.InvalidArgument.class);
    }

    // --- containers ---

    @Test
    void createContainer_readySandbox_createdAsGiven() {
        String sandboxId = newId();
        SandboxInfo sandbox = ready(sandboxId, pod("web"));
        String id = newId();
        ContainerConfig config = container("app", RUNS);

        ContainerInfo created = runtime.createContainer(id, sandboxId, config, IMAGE, IMAGE_ID, IMAGE_REF,
                rootfs());

        assertThat(created.id()).isEqualTo(id);
        assertThat(created.sandboxId()).isEqualTo(sandboxId);
        assertThat(created.config()).isEqualTo(config);
        assertThat(created.imageId()).isEqualTo(IMAGE_ID);
        assertThat(created.imageRef()).isEqualTo(IMAGE_REF);
        assertThat(created.state()).isEqualTo(ContainerState.CREATED);
        assertThat(created.createdAtNanos()).isGreaterThanOrEqualTo(sandbox.createdAtNanos());
        assertThat(created.startedAtNanos()).isZero();
        assertThat(created.finishedAtNanos()).isZero();
        assertThat(created.exitCode()).isZero();
        assertThat(created.reason()).isEmpty();
        assertThat(created.pid()).as("pid of the created init process").isPositive();
        // kubelet reads the container's log at log_directory/log_path
        assertThat(created.logPath()).isEqualTo(Path.of(sandbox.config().getLogDirectory(), "app/0.log").toString());
        assertThat(runtime.container(id)).contains(created);
    }

    @Test
    void createContainer_unknownSandbox_notFoundAndNothingCreated() {
        String id = newId();

        assertThatThrownBy(() -> runtime.createContainer(id, newId(), container("app", RUNS), IMAGE, IMAGE_ID,
                IMAGE_REF, rootfs())).isInstanceOf(BerthException.NotFound.class);

        assertThat(runtime.container(id)).isEmpty();
        assertThat(runtime.containers()).isEmpty();
    }

    @Test
    void createContainer_sandboxNotReady_failedPrecondition() {
        String notYet = newId();
        runtime.createSandbox(notYet, pod("web"), "");
        String stopped = newId();
        ready(stopped, pod("stopped"));
        runtime.stopSandbox(stopped);

        for (String sandboxId : List.of(notYet, stopped)) {
            assertThatThrownBy(() -> runtime.createContainer(newId(), sandboxId, container("app", RUNS), IMAGE,
                    IMAGE_ID, IMAGE_REF, rootfs())).isInstanceOf(BerthException.FailedPrecondition.class);
        }
        assertThat(runtime.containers()).isEmpty();
    }

    @Test
    void createContainer_idTaken_alreadyExistsAndFirstKept() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = created(sandboxId, "app", RUNS);
        ContainerInfo first = runtime.container(id).orElseThrow();

        assertThatThrownBy(() -> runtime.createContainer(id, sandboxId, container("other", RUNS), IMAGE, IMAGE_ID,
                IMAGE_REF, rootfs())).isInstanceOf(BerthException.AlreadyExists.class);

        assertThat(runtime.container(id)).contains(first);
    }

    @Test
    void createContainer_nameTakenInSandbox_alreadyExistsUntilFirstRemoved() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String otherSandbox = newId();
        ready(otherSandbox, pod("other"));
        String first = created(sandboxId, "app", RUNS);
        String second = newId();

        assertThatThrownBy(() -> runtime.createContainer(second, sandboxId, container("app", RUNS), IMAGE,
                IMAGE_ID, IMAGE_REF, rootfs())).isInstanceOf(BerthException.AlreadyExists.class);
        assertThat(runtime.container(second)).isEmpty();

        // the name is the pod's: another pod may use it, and so may kubelet's next attempt in this pod
        runtime.createContainer(newId(), otherSandbox, container("app", RUNS), IMAGE, IMAGE_ID, IMAGE_REF,
                rootfs());
        ContainerConfig retry = container("app", RUNS);
        runtime.createContainer(newId(), sandboxId, retry.toBuilder()
                .setMetadata(retry.getMetadata().toBuilder().setAttempt(1)).setLogPath("app/1.log").build(),
                IMAGE, IMAGE_ID, IMAGE_REF, rootfs());
        runtime.removeContainer(first);
        assertThat(runtime.createContainer(second, sandboxId, container("app", RUNS), IMAGE, IMAGE_ID, IMAGE_REF,
                rootfs()).id()).isEqualTo(second);
    }

    @Test
    void createContainer_noName_invalidArgumentNamingTheField() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        ContainerConfig config = container("app", RUNS);
        ContainerConfig nameless = config.toBuilder()
                .setMetadata(config.getMetadata().toBuilder().setName("")).build();

        assertThatThrownBy(() -> runtime.createContainer(newId(), sandboxId, nameless, IMAGE, IMAGE_ID, IMAGE_REF,
                rootfs())).isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("metadata.name"));
        assertThat(runtime.containers()).isEmpty();
    }

    @Test
    void createContainer_logPathOutsideLogDirectory_invalidArgumentNamingTheField() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        ContainerConfig escaping = container("app", RUNS).toBuilder().setLogPath("../escaped.log").build();

        assertThatThrownBy(() -> runtime.createContainer(newId(), sandboxId, escaping, IMAGE, IMAGE_ID, IMAGE_REF,
                rootfs())).isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("log_path"));
        assertThat(runtime.containers()).isEmpty();
    }

    @Test
    void startContainer_created_running() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = created(sandboxId, "app", RUNS);

        ContainerInfo started = runtime.startContainer(id);

        assertThat(started.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(started.startedAtNanos()).isGreaterThanOrEqualTo(started.createdAtNanos());
        assertThat(started.finishedAtNanos()).isZero();
        assertThat(started.pid()).isPositive();
        assertThat(runtime.container(id)).contains(started);
    }

    @Test
    void startContainer_commandFails_exitedWithItsCodeAndError() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = started(sandboxId, "app", exits(3));

        ContainerInfo exited = awaitExited(id);

        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.reason()).isEqualTo("Error");
        assertThat(exited.startedAtNanos()).isGreaterThanOrEqualTo(exited.createdAtNanos());
        assertThat(exited.finishedAtNanos()).isGreaterThanOrEqualTo(exited.startedAtNanos());
    }

    @Test
    void startContainer_commandSucceeds_exitedCompleted() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = started(sandboxId, "app", exits(0));

        ContainerInfo exited = awaitExited(id);

        assertThat(exited.exitCode()).isZero();
        assertThat(exited.reason()).isEqualTo("Completed");
        assertThat(exited.startedAtNanos()).isPositive();
        assertThat(exited.finishedAtNanos()).isGreaterThanOrEqualTo(exited.startedAtNanos());
    }

    @Test
    void startContainer_notCreated_failedPrecondition() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String running = started(sandboxId, "running", RUNS);
        String exited = started(sandboxId, "exited", exits(0));
        awaitExited(exited);

        assertThatThrownBy(() -> runtime.startContainer(running)).isInstanceOf(BerthException.FailedPrecondition.class);
        assertThatThrownBy(() -> runtime.startContainer(exited)).isInstanceOf(BerthException.FailedPrecondition.class);
        assertThat(runtime.container(running).orElseThrow().state()).isEqualTo(ContainerState.RUNNING);
    }

    @Test
    void startContainer_unknown_notFound() {
        assertThatThrownBy(() -> runtime.startContainer(newId())).isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void stopContainer_running_killedAndIdempotent() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = started(sandboxId, "app", RUNS);

        ContainerInfo stopped = runtime.stopContainer(id, 0);

        assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
        assertThat(stopped.exitCode()).isEqualTo(KILLED);
        assertThat(stopped.reason()).isEqualTo("Error");
        assertThat(stopped.finishedAtNanos()).isGreaterThanOrEqualTo(stopped.startedAtNanos());
        assertThat(runtime.container(id)).contains(stopped);
        ContainerInfo again = runtime.stopContainer(id, 0);
        assertThat(again.exitCode()).isEqualTo(KILLED);
        assertThat(again.finishedAtNanos()).isEqualTo(stopped.finishedAtNanos());
    }

    @Test
    void stopContainer_created_exitedWithoutStarting() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = created(sandboxId, "app", RUNS);

        ContainerInfo stopped = runtime.stopContainer(id, 0);

        assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
        assertThat(stopped.startedAtNanos()).isZero();
        assertThatThrownBy(() -> runtime.startContainer(id)).isInstanceOf(BerthException.FailedPrecondition.class);
    }

    @Test
    void stopContainer_exited_keepsItsExit() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = started(sandboxId, "app", exits(3));
        ContainerInfo exited = awaitExited(id);

        ContainerInfo stopped = runtime.stopContainer(id, 10);

        assertThat(stopped.exitCode()).isEqualTo(3);
        assertThat(stopped.finishedAtNanos()).isEqualTo(exited.finishedAtNanos());
    }

    @Test
    void stopContainer_unknown_notFound() {
        assertThatThrownBy(() -> runtime.stopContainer(newId(), 0)).isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void removeContainer_running_removedAndIdempotent() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String running = started(sandboxId, "running", RUNS);
        String kept = created(sandboxId, "kept", RUNS);

        runtime.removeContainer(running);
        runtime.removeContainer(running);

        assertThat(runtime.container(running)).isEmpty();
        assertThat(runtime.containers()).extracting(ContainerInfo::id).containsExactly(kept);
    }

    @Test
    void removeContainer_unknown_succeedsQuietly() {
        assertThatCode(() -> runtime.removeContainer(newId())).doesNotThrowAnyException();
    }

    @Test
    void updateContainerResources_createdOrRunning_newLimitsInItsConfig() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String created = created(sandboxId, "created", RUNS);
        String running = started(sandboxId, "running", RUNS);
        LinuxContainerResources resources = LinuxContainerResources.newBuilder()
                .setCpuShares(512).setMemoryLimitInBytes(256L << 20).build();

        for (String id : List.of(created, running)) {
            ContainerConfig before = runtime.container(id).orElseThrow().config();

            ContainerInfo updated = runtime.updateContainerResources(id, resources);

            assertThat(updated.config().getLinux().getResources()).isEqualTo(resources);
            assertThat(updated.config().getCommandList()).isEqualTo(before.getCommandList());
            assertThat(updated.config().getMetadata()).isEqualTo(before.getMetadata());
            assertThat(runtime.container(id).orElseThrow().config()).isEqualTo(updated.config());
        }
    }

    @Test
    void updateContainerResources_exited_failedPrecondition() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = started(sandboxId, "app", exits(0));
        awaitExited(id);
        LinuxContainerResources resources = LinuxContainerResources.newBuilder().setCpuShares(512).build();

        assertThatThrownBy(() -> runtime.updateContainerResources(id, resources))
                .isInstanceOf(BerthException.FailedPrecondition.class);
        assertThat(runtime.container(id).orElseThrow().config().getLinux().getResources()).isNotEqualTo(resources);
    }

    @Test
    void updateContainerResources_unknown_notFound() {
        assertThatThrownBy(() -> runtime.updateContainerResources(newId(),
                LinuxContainerResources.newBuilder().setCpuShares(512).build()))
                .isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void containers_inSeveralSandboxes_everyOneOldestFirst() {
        String web = newId();
        String db = newId();
        ready(web, pod("web"));
        ready(db, pod("db"));
        String first = created(web, "first", RUNS);
        String second = started(db, "second", RUNS);
        String third = created(web, "third", RUNS);

        List<ContainerInfo> listed = runtime.containers();

        assertThat(listed).extracting(ContainerInfo::id).containsExactly(first, second, third);
        assertThat(listed).extracting(ContainerInfo::sandboxId).containsExactly(web, db, web);
        assertThat(listed).extracting(ContainerInfo::state)
                .containsExactly(ContainerState.CREATED, ContainerState.RUNNING, ContainerState.CREATED);
        assertThat(listed).extracting(ContainerInfo::createdAtNanos).isSorted();
    }

    @Test
    void unknownContainer_reads_emptyWithoutError() {
        String id = newId();

        assertThat(runtime.container(id)).isEmpty();
        assertThat(runtime.containerUsage(id)).isEmpty();
    }

    @Test
    void unknownContainer_processCalls_notFound() {
        String id = newId();

        assertThatThrownBy(() -> runtime.execSync(id, List.of("true"), 5))
                .isInstanceOf(BerthException.NotFound.class);
        assertThatThrownBy(() -> runtime.startExec(id, List.of("true"), false))
                .isInstanceOf(BerthException.NotFound.class);
        assertThatThrownBy(() -> runtime.attach(id)).isInstanceOf(BerthException.NotFound.class);
        assertThatThrownBy(() -> runtime.reopenContainerLog(id)).isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void containerNotRunning_processCalls_failedPrecondition() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String created = created(sandboxId, "created", RUNS);
        String exited = started(sandboxId, "exited", exits(0));
        awaitExited(exited);

        for (String id : List.of(created, exited)) {
            assertThatThrownBy(() -> runtime.execSync(id, List.of("true"), 5))
                    .isInstanceOf(BerthException.FailedPrecondition.class);
            assertThatThrownBy(() -> runtime.startExec(id, List.of("true"), false))
                    .isInstanceOf(BerthException.FailedPrecondition.class);
            assertThatThrownBy(() -> runtime.attach(id)).isInstanceOf(BerthException.FailedPrecondition.class);
            assertThatThrownBy(() -> runtime.reopenContainerLog(id))
                    .isInstanceOf(BerthException.FailedPrecondition.class);
        }
    }

    @Test
    void execSync_emptyCommand_invalidArgument() {
        String sandboxId = newId();
        ready(sandboxId, pod("web"));
        String id = started(sandboxId, "app", RUNS);

        assertThatThrownBy(() -> runtime.execSync(id, List.of(), 5)).isInstanceOf(BerthException.InvalidArgument.class);
        assertThatThrownBy(() -> runtime.startExec(id, List.of(), false))
                .isInstanceOf(BerthException.InvalidArgument.class);
    }

    // --- helpers ---

    /** A pod in namespaces of its own, logging in a directory of its own under this test's. */
    private PodSandboxConfig pod(String name) {
        return pod(name, NamespaceMode.POD);
    }

    private PodSandboxConfig pod(String name, NamespaceMode network) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid(UUID.randomUUID().toString()))
                .setHostname(name)
                .setLogDirectory(logDirectory.resolve(name).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setNetwork(network).setIpc(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER))))
                .build();
    }

    private static ContainerConfig container(String name, List<String> command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .addAllCommand(command)
                .setLogPath(name + "/0.log")
                .build();
    }

    private static List<String> exits(int code) {
        return List.of("sh", "-c", "exit " + code);
    }

    /** A sandbox made as RunPodSandbox makes it: created, then finished by recording its address. */
    private SandboxInfo ready(String id, PodSandboxConfig config) {
        return ready(id, config, "10.88.0.2");
    }

    private SandboxInfo ready(String id, PodSandboxConfig config, String ip) {
        runtime.createSandbox(id, config, "");
        return runtime.setSandboxNetwork(id, ip, List.of());
    }

    private String created(String sandboxId, String name, List<String> command) {
        String id = newId();
        runtime.createContainer(id, sandboxId, container(name, command), IMAGE, IMAGE_ID, IMAGE_REF, rootfs());
        return id;
    }

    private String started(String sandboxId, String name, List<String> command) {
        String id = created(sandboxId, name, command);
        runtime.startContainer(id);
        return id;
    }

    /** The container once the runtime has seen it exit, which the real one learns from conmon's exit file. */
    private ContainerInfo awaitExited(String id) {
        boolean exited = Poller.await(EXIT_WAIT,
                () -> runtime.container(id).orElseThrow().state() == ContainerState.EXITED);
        ContainerInfo c = runtime.container(id).orElseThrow();
        assertThat(exited).as("container %s exited within %s, still %s", id, EXIT_WAIT, c.state()).isTrue();
        return c;
    }

    /** An id as the CRI server makes them: 64 hex digits. */
    private static String newId() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

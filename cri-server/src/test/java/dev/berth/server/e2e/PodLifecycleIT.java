package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.ContainerStatus;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.DNSConfig;
import dev.berth.cri.v1.Device;
import dev.berth.cri.v1.ExecSyncRequest;
import dev.berth.cri.v1.ExecSyncResponse;
import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ImageStatusRequest;
import dev.berth.cri.v1.Int64Value;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxContainerUser;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.ListContainerStatsRequest;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.ListPodSandboxStatsRequest;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.PodSandboxState;
import dev.berth.cri.v1.PodSandboxStatsRequest;
import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveContainerRequest;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.ReopenContainerLogRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.SupplementalGroupsPolicy;
import dev.berth.cri.v1.UpdateContainerResourcesRequest;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.fixtures.LayerBuilder;
import dev.berth.fixtures.Leaks;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton, end to end: a real berth daemon, a real registry on loopback, real runc, conmon and
 * CNI plugins. Pulls an image, runs a pod and a container in it, checks what the container saw and logged,
 * pings the pod, tears everything down and checks that nothing leaked.
 */
class PodLifecycleIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:it";

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "it");
        daemon = DaemonProcess.start(dir.resolve("berth"), registry.endpoint());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                daemon.shutDown(dir);
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    @Test
    void podWithContainer_runsLogsAnswersPing_andLeavesNothingBehind() throws Exception {
        var runtime = daemon.runtime();
        var images = daemon.images();

        assertThat(runtime.version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("berth");
        assertThat(runtime.status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList())
                .allSatisfy(c -> assertThat(c.getStatus()).as(c.getType() + " " + c.getMessage()).isTrue());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.socket)))
                .isEqualTo("rw-rw----");

        String imageId = images.pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build()).getImageRef();
        var image = images.imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build()).getImage();
        assertThat(image.getId()).isEqualTo(imageId);
        assertThat(image.getRepoTagsList()).containsExactly(IMAGE);

        String uid = UUID.randomUUID().toString();
        PodSandboxConfig podConfig = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("skeleton").setNamespace("e2e").setUid(uid))
                .setHostname("skeleton-pod")
                .setLogDirectory(daemon.logDir.resolve(uid).toString())
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("e2e.svc.cluster.local"))
                .putLabels("app", "skeleton")
                .build();
        String podId = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                .getPodSandboxId();
        var podStatus = runtime.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).build()).getStatus();
        assertThat(podStatus.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        String podIp = podStatus.getNetwork().getIp();
        assertThat(podIp).startsWith(daemon.subnetPrefix);
        assertThat(runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .extracting(p -> p.getId()).containsExactly(podId);

        ContainerConfig containerConfig = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("hello"))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .addCommand("sh").addArgs("-c")
                .addArgs("hostname; ip -4 -o addr show eth0 | sed 's/.*inet \\([0-9.]*\\).*/\\1/'; "
                        + "grep -c 10.96.0.10 /etc/resolv.conf")
                .setLogPath("hello/0.log")
                .build();
        String containerId = runtime.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(containerConfig).setSandboxConfig(podConfig).build())
                .getContainerId();
        assertThat(status(containerId).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
        runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());

        ContainerStatus exited = await(Duration.ofSeconds(30), () -> status(containerId),
                s -> s.getState() == ContainerState.CONTAINER_EXITED);
        assertThat(exited.getExitCode()).as(daemon.log()).isZero();
        assertThat(exited.getReason()).isEqualTo("Completed");
        assertThat(exited.getStartedAt()).isGreaterThanOrEqualTo(exited.getCreatedAt());
        assertThat(exited.getFinishedAt()).isGreaterThanOrEqualTo(exited.getStartedAt());
        Path logPath = daemon.logDir.resolve(uid).resolve("hello/0.log");
        assertThat(exited.getLogPath()).isEqualTo(logPath.toString());

        List<String> lines = Files.readAllLines(logPath);
        String criLine = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+(Z|[+-]\\d\\d:\\d\\d) stdout F ";
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches(criLine + "skeleton-pod");
        assertThat(lines.get(1)).matches(criLine + podIp.replace(".", "\\."));
        assertThat(lines.get(2)).matches(criLine + "1");

        assertThat(run("ping", "-c", "1", "-W", "2", podIp)).as("ping " + podIp).isZero();

        // Stop and remove are idempotent, and unknown ids are fine, as the CRI requires.
        runtime.stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(2).build());
        runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertThat(runtime.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("0".repeat(64)).build());
        assertThatThrownBy(() -> status(containerId))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()).isEmpty();
        assertThat(runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()).isEmpty();
        images.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        assertThat(images.imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build()).hasImage()).isFalse();

        assertNothingLeaked(daemon, dir);
    }

    @Test
    void daemonRestart_leavesRunningContainersRunning_andFindsThemAgain() throws Exception {
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        PodSandboxConfig podConfig = podConfig("survivor");
        String podId = runPod(podConfig);
        String containerId = startContainer(podId, podConfig, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
                .addCommand("sleep").addArgs("600"));
        ContainerStatus before = status(containerId);
        assertThat(before.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        String podIp = daemon.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).build()).getStatus().getNetwork().getIp();

        daemon.restart();

        ContainerStatus after = status(containerId);
        assertThat(after.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(after.getStartedAt()).isEqualTo(before.getStartedAt());
        var pod = daemon.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).build()).getStatus();
        assertThat(pod.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(pod.getNetwork().getIp()).isEqualTo(podIp);
        assertThat(run("ping", "-c", "1", "-W", "2", podIp)).as("ping " + podIp).isZero();

        // ExecSync runs in the container's namespaces with its settings, keeps the streams apart,
        // reports the exit code, and kills a command that outlives its timeout.
        ExecSyncResponse exec = daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addCmd("sh").addCmd("-c").addCmd("hostname; echo oops >&2; exit 3").setTimeout(10).build());
        assertThat(exec.getExitCode()).isEqualTo(3);
        assertThat(exec.getStdout().toStringUtf8()).isEqualTo("survivor\n");
        assertThat(exec.getStderr().toStringUtf8()).isEqualTo("oops\n");
        long started = System.nanoTime();
        assertThatThrownBy(() -> daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addCmd("sleep").addCmd("30").setTimeout(1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addCmd("sh").addCmd("-c").addCmd("! ps | grep '[s]leep 30'").build()).getExitCode())
                .as("the timed-out sleep was killed").isZero();

        // In-place resize: the new memory limit reaches the container's cgroup.
        daemon.runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(containerId)
                .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(48L << 20).setCpuShares(256))
                .build());
        ExecSyncResponse limit = daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addCmd("cat").addCmd("/sys/fs/cgroup/memory/memory.limit_in_bytes").setTimeout(10).build());
        assertThat(limit.getStdout().toStringUtf8().strip()).isEqualTo(String.valueOf(48L << 20));

        // Log rotation: kubelet renames the file, then asks for a new one at the same path.
        Path log = Path.of(status(containerId).getLogPath());
        Files.move(log, log.resolveSibling("sleeper.log.1"));
        daemon.runtime().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(containerId)
                .build());
        assertThat(log).exists();

        // Stats after the restart, as kubelet's CRI stats provider asks for them.
        daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addCmd("sh").addCmd("-c").addCmd("echo written > /stats-probe").build());
        var containerStats = daemon.runtime().listContainerStats(ListContainerStatsRequest.newBuilder()
                .setFilter(ContainerStatsFilter.newBuilder().setPodSandboxId(podId)).build()).getStatsList();
        assertThat(containerStats).singleElement().satisfies(s -> {
            assertThat(s.getAttributes().getId()).isEqualTo(containerId);
            assertThat(s.getAttributes().getMetadata().getName()).isEqualTo("sleeper");
            assertThat(s.getCpu().getUsageCoreNanoSeconds().getValue()).isPositive();
            assertThat(s.getMemory().getWorkingSetBytes().getValue()).isPositive();
            assertThat(s.getWritableLayer().getUsedBytes().getValue()).isGreaterThanOrEqualTo(8);
            assertThat(s.getWritableLayer().getInodesUsed().getValue()).isGreaterThanOrEqualTo(2);
            assertThat(s.getWritableLayer().getFsId().getMountpoint()).isNotEmpty();
        });
        var podStats = daemon.runtime().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId)
                .build()).getStats();
        assertThat(podStats.getAttributes().getId()).isEqualTo(podId);
        assertThat(podStats.getLinux().getCpu().getUsageCoreNanoSeconds().getValue()).isPositive();
        assertThat(podStats.getLinux().getMemory().getWorkingSetBytes().getValue()).isPositive();
        assertThat(podStats.getLinux().getProcess().getProcessCount().getValue())
                .as("catatonit and sleep").isGreaterThanOrEqualTo(2);
        assertThat(podStats.getLinux().getNetwork().getDefaultInterface().getName()).isEqualTo("eth0");
        assertThat(podStats.getLinux().getNetwork().getDefaultInterface().getRxBytes().getValue())
                .as("the ping reached eth0").isPositive();
        assertThat(podStats.getLinux().getContainersList()).extracting(c -> c.getAttributes().getId())
                .containsExactly(containerId);
        assertThat(daemon.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance())
                .getStatsList()).extracting(p -> p.getAttributes().getId()).contains(podId);

        // The pod shares one PID namespace (the CRI default), so catatonit is pid 1 and sleep is not:
        // SIGTERM's default action ends it at once, and conmon reports 128 + 15.
        daemon.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(5)
                .build());
        ContainerStatus stopped = status(containerId);
        assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(stopped.getExitCode()).isEqualTo(143);
        daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());

        assertNothingLeaked(daemon, dir);
    }

    @Test
    void containerOverItsMemoryLimit_exitsOomKilled() throws Exception {
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        PodSandboxConfig podConfig = podConfig("hog");
        String podId = runPod(podConfig);
        String containerId = startContainer(podId, podConfig, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("hog"))
                // tail keeps all of its input in memory: 200 MiB against a 32 MiB limit.
                .addCommand("sh").addArgs("-c").addArgs("head -c 200m /dev/zero | tail")
                .setLinux(LinuxContainerConfig.newBuilder().setResources(
                        LinuxContainerResources.newBuilder().setMemoryLimitInBytes(32 << 20))));

        ContainerStatus exited = await(Duration.ofSeconds(30), () -> status(containerId),
                s -> s.getState() == ContainerState.CONTAINER_EXITED);

        assertThat(exited.getReason()).isEqualTo("OOMKilled");
        assertThat(exited.getExitCode()).isEqualTo(137);
        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        assertNothingLeaked(daemon, dir);
    }

    @Test
    void seccomp_runtimeDefaultFilters_andLocalhostProfileBlocksItsCalls() throws Exception {
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        Path profile = dir.resolve("block-chmod.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        PodSandboxConfig podConfig = podConfig("filtered");
        String podId = runPod(podConfig);
        String filtered = startContainer(podId, podConfig, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("default"))
                .addCommand("sleep").addArgs("600")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                        .newBuilder().setSeccomp(SecurityProfile.newBuilder()
                                .setProfileType(SecurityProfile.ProfileType.RuntimeDefault)))));
        String blocked = startContainer(podId, podConfig, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("localhost"))
                .addCommand("sleep").addArgs("600")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                        .newBuilder().setSeccomp(SecurityProfile.newBuilder()
                                .setProfileType(SecurityProfile.ProfileType.Localhost)
                                .setLocalhostRef(profile.toString())))));

        ExecSyncResponse status = daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(filtered)
                .addCmd("grep").addCmd("Seccomp:").addCmd("/proc/self/status").setTimeout(10).build());
        assertThat(status.getStdout().toStringUtf8()).as("seccomp mode 2 is a filter").matches("Seccomp:\\s+2\\s*");
        ExecSyncResponse chmod = daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(blocked)
                .addCmd("chmod").addCmd("700").addCmd("/tmp").setTimeout(10).build());
        assertThat(chmod.getExitCode()).isNotZero();
        assertThat(chmod.getStderr().toStringUtf8()).contains("Operation not permitted");

        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        assertNothingLeaked(daemon, dir);
    }

    @Test
    void recursiveReadOnlyMount_keepsSubmountsReadOnly_whereRuncCan_andIsRefusedElsewhere() throws Exception {
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        boolean supported = daemon.runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList()
                .stream().filter(h -> h.getName().isEmpty()).findFirst().orElseThrow()
                .getFeatures().getRecursiveReadOnlyMounts();
        Path source = Files.createDirectories(dir.resolve("rro-source"));
        Path sub = Files.createDirectories(source.resolve("sub"));
        assertThat(run("mount", "-t", "tmpfs", "-o", "size=1m", "berth-rro-test", sub.toString())).isZero();
        try {
            PodSandboxConfig pod = podConfig("rro");
            String podId = runPod(pod);
            Mount.Builder recursive = Mount.newBuilder().setHostPath(source.toString()).setContainerPath("/rro")
                    .setReadonly(true).setRecursiveReadOnly(true);
            ContainerConfig writable = sleeper().addMounts(recursive.clone().setReadonly(false))
                    .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build();
            assertInvalid(() -> daemon.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId).setSandboxConfig(pod).setConfig(writable).build()),
                    "config.mounts[0].recursive_read_only");
            if (supported) {
                // the same host directory read-only but not recursively: its submount stays writable
                String id = startContainer(podId, pod, sleeper().addMounts(recursive).addMounts(Mount.newBuilder()
                        .setHostPath(source.toString()).setContainerPath("/ro").setReadonly(true)));
                ExecSyncResponse intoSubmount = exec(id, "touch", "/rro/sub/probe");
                assertThat(intoSubmount.getExitCode()).as("write into the submount of the rro mount").isNotZero();
                assertThat(intoSubmount.getStderr().toStringUtf8()).contains("Read-only file system");
                assertThat(exec(id, "touch", "/rro/probe").getExitCode()).isNotZero();
                assertThat(exec(id, "touch", "/ro/sub/probe").getExitCode()).as("a plain ro mount's submount")
                        .isZero();
                assertThat(status(id).getMountsList()).extracting(Mount::getRecursiveReadOnly)
                        .containsExactly(true, false);
            } else {
                ContainerConfig refused = sleeper().addMounts(recursive).setImage(ImageSpec.newBuilder()
                        .setImage(IMAGE)).build();
                assertInvalid(() -> daemon.runtime().createContainer(CreateContainerRequest.newBuilder()
                        .setPodSandboxId(podId).setSandboxConfig(pod).setConfig(refused).build()),
                        "config.mounts[0].recursive_read_only");
            }
            daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        } finally {
            assertThat(run("umount", sub.toString())).as("umount " + sub).isZero();
        }
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        assertNothingLeaked(daemon, dir);
    }

    @Test
    void strictSupplementalGroups_processHasExactlyTheRequestedGroups_andStatusReportsThem() throws Exception {
        // the image's /etc/group lists user berth in staff: Merge adds that group, Strict must not
        String image = "registry.k8s.io/e2e/busybox:groups";
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "groups", Map.of(), List.of(new LayerBuilder()
                .file("etc/group", "root:x:0:\nberth:x:1000:\nstaff:x:50:berth\n", 0644).tar()));
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        PodSandboxConfig pod = podConfig("groups");
        String podId = runPod(pod);
        String strict = daemon.startContainer(podId, pod, image, sleeper().setMetadata(ContainerMetadata.newBuilder()
                .setName("strict")).setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        groups(SupplementalGroupsPolicy.Strict))));
        String merge = daemon.startContainer(podId, pod, image, sleeper().setMetadata(ContainerMetadata.newBuilder()
                .setName("merge")).setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        groups(SupplementalGroupsPolicy.Merge))));

        assertThat(processGroups(strict)).containsExactly(1000L, 4000L, 5000L);
        assertThat(processGroups(merge)).containsExactly(50L, 1000L, 4000L, 5000L);
        assertThat(status(strict).getUser().getLinux()).isEqualTo(LinuxContainerUser.newBuilder().setUid(1000)
                .setGid(1000).addAllSupplementalGroups(List.of(1000L, 4000L, 5000L)).build());
        assertThat(status(merge).getUser().getLinux().getSupplementalGroupsList())
                .containsExactly(1000L, 50L, 4000L, 5000L);

        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        assertNothingLeaked(daemon, dir);
    }

    private static LinuxContainerSecurityContext.Builder groups(SupplementalGroupsPolicy policy) {
        return LinuxContainerSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .addSupplementalGroups(4000).addSupplementalGroups(5000).setSupplementalGroupsPolicy(policy);
    }

    /** The groups of a process in the container, as the kernel lists them (sorted). */
    private static List<Long> processGroups(String containerId) {
        ExecSyncResponse groups = exec(containerId, "grep", "^Groups:", "/proc/self/status");
        assertThat(groups.getExitCode()).as(groups.getStderr().toStringUtf8()).isZero();
        return Stream.of(groups.getStdout().toStringUtf8().substring("Groups:".length()).trim().split("\\s+"))
                .map(Long::valueOf).toList();
    }

    @Test
    void podWithItsOwnUserNamespace_refusedWhereRuncCannotIdmap() {
        boolean advertised = daemon.runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList()
                .stream().allMatch(h -> h.getFeatures().getUserNamespaces());
        assumeFalse(advertised, "this node's runc makes idmapped mounts: pods with user namespaces are served");
        IDMapping range = IDMapping.newBuilder().setHostId(65536).setLength(65536).build();
        PodSandboxConfig pod = podConfig("userns").toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption
                        .newBuilder().setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD)
                                .addUids(range).addGids(range))))).build();

        assertInvalid(() -> runPod(pod), "config.linux.security_context.namespace_options.userns_options.mode");
        assertThat(daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .as("nothing made").noneMatch(p -> p.getMetadata().getName().equals("userns"));
    }

    private static ExecSyncResponse exec(String containerId, String... command) {
        return daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(List.of(command)).setTimeout(10).build());
    }

    private static PodSandboxConfig podConfig(String name) {
        return daemon.podConfig("e2e", name);
    }

    private static String runPod(PodSandboxConfig podConfig) {
        return daemon.runPod(podConfig);
    }

    /** Creates and starts a container of the test image; its log goes to {@code <name>.log}. */
    private static String startContainer(String podId, PodSandboxConfig podConfig, ContainerConfig.Builder config) {
        return daemon.startContainer(podId, podConfig, IMAGE, config);
    }

    private static dev.berth.cri.v1.ImageServiceGrpc.ImageServiceBlockingStub images() {
        return daemon.images();
    }

    @Test
    void badRequests_getClearErrors_andLeaveNothingBehind() {
        var runtime = daemon.runtime();
        assertThatThrownBy(() -> runtime.runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(PodSandboxConfig.newBuilder()
                        .setMetadata(PodSandboxMetadata.newBuilder().setNamespace("e2e").setUid("u")))
                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("config.metadata.name");
                });
        assertThatThrownBy(() -> runtime.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId("f".repeat(64)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> runtime.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId("f".repeat(64))
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("x"))
                        .setImage(ImageSpec.newBuilder().setImage(IMAGE)))
                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()).isEmpty();
    }

    @Test
    void badRequests_kubeletCouldSend_invalidNamingTheField_andNothingMade() throws Exception {
        var runtime = daemon.runtime();
        images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        assertInvalid(() -> runPod(podConfig("x").toBuilder().setHostname("a\nb").build()), "config.hostname");
        assertInvalid(() -> runPod(podConfig("x").toBuilder().setDnsConfig(DNSConfig.newBuilder()
                .addServers("10.0.0.1\nnameserver 6.6.6.6")).build()), "config.dns_config.servers[0]");
        PodSandboxConfig pod = podConfig("bad-input");
        String podId = runPod(pod);
        Map<String, ContainerConfig.Builder> bad = new java.util.LinkedHashMap<>();
        bad.put("config.linux.resources.memory_limit_in_bytes", sleeper().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(-1))));
        bad.put("config.linux.resources.cpu_shares", sleeper().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(-1))));
        bad.put("config.linux.resources.cpuset_cpus", sleeper().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpusetCpus("zero"))));
        bad.put("config.working_dir", sleeper().setWorkingDir("relative/dir"));
        bad.put("config.log_path", sleeper().setLogPath("."));
        bad.put("config.devices[0].host_path", sleeper().addDevices(Device.newBuilder()
                .setHostPath("/dev/no-such-device")
                .setContainerPath("/dev/x").setPermissions("rwm")));
        for (Map.Entry<String, ContainerConfig.Builder> c : bad.entrySet()) {
            ContainerConfig config = c.getValue().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build();
            assertInvalid(() -> runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setSandboxConfig(pod).setConfig(config).build()), c.getKey());
        }
        assertThat(runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                .as("nothing half made").isEmpty();

        // a bind mount of a host path that does not exist gets an empty directory, as with containerd
        Path missing = dir.resolve("created-for-the-pod");
        String id = startContainer(podId, pod, sleeper().addMounts(Mount.newBuilder()
                .setHostPath(missing.toString()).setContainerPath("/data")));
        assertThat(missing).isEmptyDirectory();
        assertThat(status(id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertNothingLeaked(daemon, dir);
    }

    private static ContainerConfig.Builder sleeper() {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
                .addCommand("sleep").addArgs("600");
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith(field + " ");
        });
    }

    /**
     * Checks that nothing of the pods is left: every check looks only at what this daemon made (its
     * directories, bridge, subnet, cgroup parent and conmons), so other runtimes on the machine don't matter.
     */
    static void assertNothingLeaked(DaemonProcess daemon, Path dir) throws IOException, InterruptedException {
        assertNothingLeaked(daemon, dir, Set.of());
    }

    /** As {@link #assertNothingLeaked(DaemonProcess, Path)}, where the test itself mounted {@code testMounts}. */
    static void assertNothingLeaked(DaemonProcess daemon, Path dir, Set<Path> testMounts)
            throws IOException, InterruptedException {
        // While the daemon runs it keeps one mount: the private bind mount of its namespace directory,
        // under which pods' namespaces are pinned. It goes when the daemon stops (checked in stopDaemon).
        Path nsDir = daemon.dir.resolve("state/ns");
        assertThat(Leaks.mounts()).as("mounts").filteredOn(m -> m.startsWith(dir.toString()))
                .allMatch(m -> m.equals(nsDir.toString()) || testMounts.contains(Path.of(m)));
        if (Files.exists(nsDir)) {
            try (Stream<Path> files = Files.walk(nsDir)) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("pinned namespaces").isEmpty();
            }
        }
        assertThat(output("iptables-save", "-t", "nat")).as("NAT rules of the test's pod subnet (masquerading,"
                + " host ports)").doesNotContain(daemon.subnetPrefix);
        assertThat(output("ip", "-o", "link", "show", "master", daemon.bridge)).as("veths on the pod bridge")
                .satisfiesAnyOf(out -> assertThat(out).isBlank(),
                        out -> assertThat(out).as("no bridge yet").contains("does not exist"));
        if (Files.exists(daemon.ipamDir)) {
            try (Stream<Path> files = Files.walk(daemon.ipamDir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("IP allocations").noneMatch(n -> n.startsWith(daemon.subnetPrefix));
            }
        }
        for (String controller : List.of("memory", "cpu", "pids")) {
            Path cgroup = Path.of("/sys/fs/cgroup", controller, daemon.cgroupParent.substring(1));
            assertThat(cgroup).as("cgroup " + controller).satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(),
                    p -> assertThat(Files.list(p).filter(Files::isDirectory).toList()).isEmpty());
        }
        // conmon has exited by now, but init may take a moment to reap it.
        Set<Long> conmons = await(Duration.ofSeconds(10), () -> conmonsOf(daemon), Set::isEmpty);
        assertThat(conmons).as("conmon processes").isEmpty();
    }

    /** conmon processes of {@code daemon}: their command lines name its state directory. */
    private static Set<Long> conmonsOf(DaemonProcess daemon) {
        Set<Long> ours = new java.util.HashSet<>();
        for (long pid : Leaks.processesNamed("conmon")) {
            try {
                String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
                if (cmdline.contains(daemon.dir.toString())) {
                    ours.add(pid);
                }
            } catch (IOException gone) {
                // exited between listing and reading
            }
        }
        return ours;
    }

    static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** Removes the (empty) cgroup parent the daemon made for pods without one of kubelet's. */
    static void removeCgroupParent(String parent) throws IOException {
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : controllers.toList()) {
                Files.deleteIfExists(controller.resolve(parent.substring(1)));
            }
        }
    }

    private static ContainerStatus status(String id) {
        return daemon.containerStatus(id);
    }

    static <T> T await(Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout + ": last " + value);
            }
            Thread.sleep(50);
            value = probe.get();
        }
        return value;
    }

    static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}

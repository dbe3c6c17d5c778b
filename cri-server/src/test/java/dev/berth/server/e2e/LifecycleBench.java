package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.ImageServiceGrpc;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.RuntimeServiceGrpc;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.fixtures.Leaks;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures pod and container start latency and the runtime's memory. Not part of the test suite (its name
 * matches neither surefire's nor failsafe's patterns); {@code scripts/bench.sh} runs it.
 *
 * <p>By default it starts a Berth daemon and a registry of its own. To measure another CRI runtime on the
 * same machine, give {@code berth.bench.endpoint} (its socket), {@code berth.bench.pid} (its daemon's PID),
 * {@code berth.bench.helper} (the command name of its per-pod or per-container helper processes, e.g.
 * {@code containerd-shim-runc-v2}) and {@code berth.bench.registry} (a registry it pulls
 * {@code registry.k8s.io/bench/...} from through its own mirror config). It reports numbers and asserts only
 * that the runs succeeded.
 */
class LifecycleBench {

    private static final String IMAGE = "registry.k8s.io/bench/busybox:1";
    private static final int RUNS = Integer.getInteger("berth.bench.runs", 20);

    @TempDir
    Path dir;

    @Test
    void runPodSandbox_andCreateStartContainer_latency() throws Exception {
        String endpoint = System.getProperty("berth.bench.endpoint", "");
        if (!endpoint.isEmpty()) {
            TestImages.pushBusybox(URI.create(System.getProperty("berth.bench.registry")), "bench/busybox", "1");
            ManagedChannel channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create()).build();
            try {
                measure(channel, Long.getLong("berth.bench.pid"), System.getProperty("berth.bench.helper"),
                        dir.resolve("logs"));
            } finally {
                channel.shutdownNow();
            }
            return;
        }
        try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"))) {
            TestImages.pushBusybox(registry.endpoint(), "bench/busybox", "1");
            try (DaemonProcess daemon = DaemonProcess.start(dir.resolve("berth"), registry.endpoint())) {
                ManagedChannel channel = Grpc.newChannelBuilder("unix://" + daemon.socket,
                        InsecureChannelCredentials.create()).build();
                try {
                    measure(channel, daemon.pid(), "conmon", daemon.logDir);
                } finally {
                    channel.shutdownNow();
                    daemon.close();
                    daemon.removeBridgeAndCgroupParent();
                }
            }
        }
    }

    private void measure(ManagedChannel channel, long daemonPid, String helper, Path logDir) throws Exception {
        var runtime = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES);
        var images = ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES);
        String name = runtime.version(VersionRequest.getDefaultInstance()).getRuntimeName();
        images.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        Set<Long> helpersBefore = Leaks.processesNamed(helper);
        long idleRssKiB = rssKiB(daemonPid);
        List<Long> runPod = new ArrayList<>();
        List<Long> createStart = new ArrayList<>();
        List<Long> create = new ArrayList<>();
        List<Long> start = new ArrayList<>();
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < RUNS + 2; i++) {
            String uid = UUID.randomUUID().toString();
            PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                    .setMetadata(PodSandboxMetadata.newBuilder().setName("bench-" + i).setNamespace("bench").setUid(uid))
                    .setHostname("bench-" + i)
                    // kubelet's default: each container gets its own PID namespace.
                    .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                            LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                    NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER))))
                    .setLogDirectory(logDir.resolve(uid).toString())
                    .build();
            long t0 = System.nanoTime();
            String podId = runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                    .getPodSandboxId();
            long t1 = System.nanoTime();
            String containerId = runtime.createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId)
                    .setSandboxConfig(pod)
                    .setConfig(ContainerConfig.newBuilder()
                            .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
                            .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                            .addCommand("sleep").addArgs("3600")
                            .setLogPath("sleeper.log"))
                    .build()).getContainerId();
            long created = System.nanoTime();
            runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
            long t2 = System.nanoTime();
            pods.add(podId);
            // The first two runs warm up the JIT and the page cache; they are not counted.
            if (i >= 2) {
                runPod.add(t1 - t0);
                createStart.add(t2 - t1);
                create.add(created - t1);
                start.add(t2 - created);
            }
        }
        long daemonRssKiB = rssKiB(daemonPid);
        Set<Long> helpers = new HashSet<>(Leaks.processesNamed(helper));
        helpers.removeAll(helpersBefore);
        long helpersRssKiB = 0;
        for (long pid : helpers) {
            helpersRssKiB += rssKiB(pid);
        }
        for (String podId : pods) {
            runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        }
        System.out.printf(Locale.ROOT, "%s bench: %d runs%n", name, RUNS);
        System.out.printf(Locale.ROOT, "  RunPodSandbox                    p50 %6.1f ms  p90 %6.1f ms%n",
                percentile(runPod, 50), percentile(runPod, 90));
        System.out.printf(Locale.ROOT, "  CreateContainer+StartContainer   p50 %6.1f ms  p90 %6.1f ms%n",
                percentile(createStart, 50), percentile(createStart, 90));
        System.out.printf(Locale.ROOT, "    of which CreateContainer       p50 %6.1f ms, StartContainer p50 %6.1f ms%n",
                percentile(create, 50), percentile(start, 50));
        System.out.printf(Locale.ROOT, "  daemon RSS idle %.1f MiB, with %d pods %.1f MiB; %d %s processes %.1f MiB%n",
                idleRssKiB / 1024.0, pods.size(), daemonRssKiB / 1024.0, helpers.size(), helper,
                helpersRssKiB / 1024.0);
        assertThat(runPod).hasSize(RUNS);
    }

    private static double percentile(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(index, 0)) / 1e6;
    }

    private static long rssKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}

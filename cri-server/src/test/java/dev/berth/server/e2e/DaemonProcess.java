package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerStatus;
import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.ImageServiceGrpc;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.RuntimeServiceGrpc;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.fixtures.Leaks;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real berth daemon for end-to-end tests: its own socket, state dirs, CNI conf dir with a test bridge, a
 * cgroup parent of its own and a registry mirror pointing at a local registry. Started from the packaged
 * jar and its lib/ directory, exactly as installed, and stopped with SIGTERM.
 */
final class DaemonProcess implements AutoCloseable {

    final Path dir;
    final Path socket;
    final Path cniConfDir;
    final Path ipamDir;
    final Path logDir;
    final String bridge;
    final String subnetPrefix;
    final String cgroupParent;
    private final List<String> command = new ArrayList<>();
    private Map<String, String> environment = Map.of();
    private Process process;
    private ManagedChannel channel;

    private DaemonProcess(Path dir, URI registry) throws IOException {
        this.dir = dir;
        Random random = new Random();
        String tag = Integer.toHexString(random.nextInt(0x10000, 0xfffff));
        socket = dir.resolve("berth.sock");
        cniConfDir = dir.resolve("cni");
        ipamDir = dir.resolve("ipam");
        logDir = dir.resolve("pod-logs");
        bridge = "bte" + tag;
        subnetPrefix = freeSubnetPrefix(random);
        cgroupParent = "/berth-e2e-" + tag;
        Files.createDirectories(cniConfDir);
        Files.writeString(cniConfDir.resolve("10-e2e.conflist"), """
                {
                  "cniVersion": "1.0.0",
                  "name": "berth-e2e",
                  "plugins": [
                    {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                     "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s0/24"}]],
                              "routes": [{"dst": "0.0.0.0/0"}]}},
                    {"type": "portmap", "capabilities": {"portMappings": true}}
                  ]
                }
                """.formatted(bridge, ipamDir, subnetPrefix));
        Path config = dir.resolve("berth.toml");
        Files.writeString(config, """
                socket = "%s"
                root = "%s"
                state = "%s"
                log_level = "debug"
                [runtime]
                cgroup_parent = "%s"
                [cni]
                conf_dir = "%s"
                default_network = false
                [registry.mirrors."registry.k8s.io"]
                endpoints = ["%s"]
                [metrics]
                address = "127.0.0.1:0"
                """.formatted(socket, dir.resolve("root"), dir.resolve("state"), cgroupParent, cniConfDir,
                registry));
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // The JVM options the installed launcher uses, so tests and benchmarks see the shipped daemon.
        Files.readAllLines(Path.of("src/main/dist/jvm.options")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(command::add);
        command.add("-cp");
        command.add(System.getProperty("berth.jar") + ":" + System.getProperty("berth.lib") + "/*");
        command.add("dev.berth.server.Main");
        command.add("--config");
        command.add(config.toString());
    }

    /**
     * A 10.x.77.0/24 prefix that no interface and no NAT rule on this machine uses (a bridge or rule another run
     * left), so that the leak checks see only this test's.
     */
    private static String freeSubnetPrefix(Random random) throws IOException {
        Process ip = new ProcessBuilder("ip", "-4", "-o", "addr", "show").redirectErrorStream(true).start();
        String addresses = new String(ip.getInputStream().readAllBytes());
        Process nat = new ProcessBuilder("iptables-save", "-t", "nat").redirectErrorStream(true).start();
        addresses += new String(nat.getInputStream().readAllBytes()).replace("-s ", " ").replace("-d ", " ")
                .replace("--to-destination ", " ");
        for (int attempt = 0; attempt < 100; attempt++) {
            String prefix = "10." + (200 + random.nextInt(50)) + ".77.";
            if (!addresses.contains(" " + prefix)) {
                return prefix;
            }
        }
        throw new IllegalStateException("no free 10.x.77.0/24 subnet for the test bridge");
    }

    /** Starts a daemon in {@code dir} and waits until it answers Version. */
    static DaemonProcess start(Path dir, URI registry) throws IOException {
        DaemonProcess daemon = new DaemonProcess(dir, registry);
        daemon.launch();
        return daemon;
    }

    /** Stops the daemon with SIGTERM and starts it again on the same configuration and state. */
    void restart() throws IOException {
        close();
        launch();
    }

    /**
     * Stops the daemon if it runs and starts it again on the same configuration and state, with
     * {@code environment} added to the test's own (e.g. a failpoint).
     */
    void relaunch(Map<String, String> environment) throws IOException {
        if (process != null && process.isAlive()) {
            close();
        }
        this.environment = Map.copyOf(environment);
        launch();
    }

    /** Stops and removes every pod through the daemon; quietly nothing when it does not answer. */
    void removeEveryPod() {
        try {
            for (var pod : runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
                runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId())
                        .build());
            }
        } catch (StatusRuntimeException e) {
            // the daemon is not answering; the checks after it stops say what is left
        }
    }

    /**
     * The end of a test class: removes every pod, stops the daemon, removes the bridge and the cgroup parent
     * the test's pods used (CNI DEL keeps a bridge by design), and checks that no mount under {@code testDir}
     * is left.
     */
    void shutDown(Path testDir) throws IOException, InterruptedException {
        try {
            removeEveryPod();
            close();
            assertThat(Leaks.mounts()).as("mounts after the daemon stopped")
                    .noneMatch(m -> m.startsWith(testDir.toString()));
        } finally {
            removeBridgeAndCgroupParent();
        }
    }

    /** Removes the test's bridge (CNI DEL keeps a bridge by design) and the cgroup parent its pods used. */
    void removeBridgeAndCgroupParent() throws IOException, InterruptedException {
        PodLifecycleIT.run("ip", "link", "del", bridge);
        PodLifecycleIT.removeCgroupParent(cgroupParent);
    }

    /** Whether the daemon was started with an environment of its own (a failpoint), or is not running. */
    boolean hasEnvironment() {
        return !environment.isEmpty() || !process.isAlive();
    }

    /** Waits until the daemon exits by itself (a failpoint halted it); its exit status, or -1 if it did not. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        channel.shutdownNow();
        return process.exitValue();
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("berth.log").toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("berth exited with " + process.exitValue() + ":\n" + log());
            }
            if (Files.exists(socket)) {
                try {
                    runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
                    return;
                } catch (StatusRuntimeException notYet) {
                    // still binding or recovering
                }
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("berth did not answer within 60 s:\n" + log());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The channel to the daemon's socket, for calls the generated stubs do not make (any method by descriptor). */
    io.grpc.Channel channel() {
        return channel;
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    /** A pod config of the test namespace {@code namespace} named {@code name}, with a fresh uid and log directory. */
    PodSandboxConfig podConfig(String namespace, String name) {
        String uid = UUID.randomUUID().toString();
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(uid))
                .setHostname(name)
                .setLogDirectory(logDir.resolve(uid).toString())
                .build();
    }

    String runPod(PodSandboxConfig config) {
        return runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    /** Creates and starts a container of {@code image} in the pod; its log goes to {@code <name>.log}. */
    String startContainer(String podId, PodSandboxConfig pod, String image, ContainerConfig.Builder config) {
        config.setImage(ImageSpec.newBuilder().setImage(image)).setLogPath(config.getMetadata().getName() + ".log");
        String id = runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(pod).setConfig(config).build()).getContainerId();
        runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    ContainerStatus containerStatus(String id) {
        return runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    long pid() {
        return process.pid();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("berth.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the daemon with SIGTERM (it leaves containers running) and waits for it to exit. */
    @Override
    public void close() {
        channel.shutdownNow();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keepLog();
    }

    /** Copies the daemon's log to target/daemon-logs, which outlives the test's temporary directory. */
    private void keepLog() {
        try {
            Path logs = Files.createDirectories(Path.of("target", "daemon-logs"));
            Files.copy(dir.resolve("berth.log"), logs.resolve(dir.getParent().getFileName() + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the test's own result stands; the copy is only for reading afterwards
        }
    }
}

package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStatus;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import dev.berth.server.streaming.SpdyTestClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec, attach and port forwarding through the streaming server, end to end: the RPCs of a real daemon hand
 * out URLs, a SPDY client connects there as kubectl's would, and the commands run in real containers of one
 * pod with runc and conmon.
 */
class StreamingIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:stream";
    private static final List<String> PROTOCOLS = List.of("v4.channel.k8s.io", "v3.channel.k8s.io");

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;
    static PodSandboxConfig podConfig;
    static String podId;
    static String sleeperId;

    @BeforeAll
    static void startPod() throws IOException {
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "stream");
        daemon = DaemonProcess.start(dir.resolve("berth"), registry.endpoint());
        daemon.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .build());
        String uid = UUID.randomUUID().toString();
        podConfig = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("streams").setNamespace("e2e").setUid(uid))
                .setHostname("streams")
                .setLogDirectory(daemon.logDir.resolve(uid).toString())
                .build();
        podId = daemon.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                .getPodSandboxId();
        sleeperId = startContainer(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder()
                .setName("sleeper")).addCommand("sleep").addArgs("600"));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                try (Stream<Path> files = Files.walk(daemon.dir)) {
                    assertThat(files.map(p -> p.getFileName().toString()))
                            .as("exec process files").noneMatch(n -> n.startsWith("exec-"));
                }
                for (var pod : daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                        .getItemsList()) {
                    daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId())
                            .build());
                    daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder()
                            .setPodSandboxId(pod.getId()).build());
                }
                daemon.images().removeImage(RemoveImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
                assertThat(sleepers()).as("exec processes left in containers").isZero();
            }
        } finally {
            if (daemon != null) {
                // Stopped here too when a check above failed, so no daemon outlives the test run.
                daemon.close();
                daemon.removeBridgeAndCgroupParent();
            }
            if (registry != null) {
                registry.close();
            }
        }
    }

    private static String startContainer(ContainerConfig.Builder config) {
        return daemon.startContainer(podId, podConfig, IMAGE, config);
    }

    private static ContainerStatus status(String id) {
        return daemon.containerStatus(id);
    }

    @Test
    void exec_separateStreams_exitCodeInV4Status_urlServesOnce() throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("sh").addCmd("-c").addCmd("echo out; echo err >&2; hostname; exit 3")
                .setStdout(true).setStderr(true).build()).getUrl();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/exec/[A-Za-z0-9_-]+");
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            assertThat(client.upgrade().status()).as(client.upgrade().body()).isEqualTo(101);
            assertThat(client.upgrade().protocol()).isEqualTo("v4.channel.k8s.io");
            var error = client.open("error");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");

            assertThat(stdout.readAll()).isEqualTo("out\nstreams\n");
            assertThat(stderr.readAll()).isEqualTo("err\n");
            assertThat(error.readAll()).as(daemon.log())
                    .contains("\"status\":\"Failure\"", "\"reason\":\"NonZeroExitCode\"",
                            "{\"reason\":\"ExitCode\",\"message\":\"3\"}");
            client.awaitClosed();
        }
        try (SpdyTestClient again = SpdyTestClient.connect(url, PROTOCOLS)) {
            assertThat(again.upgrade().status()).as("a URL serves one connection").isEqualTo(404);
        }
    }

    @Test
    void exec_withStdin_commandReadsItToTheEnd_andSucceeds() throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("cat").setStdin(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            stdin.write("hello\n");
            stdin.write("world\n");
            stdin.closeWrite();

            assertThat(stdout.readAll()).isEqualTo("hello\nworld\n");
            assertThat(error.readAll()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        }
    }

    @Test
    void exec_withTty_oneOutputStream_windowSizeFollowsResize() throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("sh").setTty(true).setStdin(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var resize = client.open("resize");
            resize.write("{\"Width\":123,\"Height\":45}\n");
            // The resize and the input travel on separate streams: ask until the new size shows.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!stdout.receivedSoFar().contains("45 123\r\n") && System.nanoTime() < deadline) {
                stdin.write("stty size\n");
                Thread.sleep(100);
            }
            stdin.write("[ -t 0 ] && echo on-a-terminal; exit 4\n");

            assertThat(stdout.readAll()).contains("45 123\r\n", "\non-a-terminal\r\n");
            assertThat(error.readAll()).contains("{\"reason\":\"ExitCode\",\"message\":\"4\"}");
        }
    }

    @Test
    void exec_withTty_manyAtOnce_linesEndExactlyAsTheTerminalWroteThem() throws Exception {
        // The container's terminal writes "\n" as "\r\n" (ONLCR, the kernel's default) and nothing on the way
        // may translate again. Relayed by runc through a second terminal on the host, a command that wrote before
        // runc had changed the terminals' settings came out with "\r\r\n": one exec in ten or so, when many
        // run at once.
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> outputs = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                outputs.add(clients.submit(() -> execWithTty("echo a; echo b")));
            }
            Map<String, Integer> counts = new TreeMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (Future<String> output : outputs) {
                String text = output.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                counts.merge(text.replace("\r", "\\r").replace("\n", "\\n"), 1, Integer::sum);
            }

            assertThat(counts).as("outputs of %d execs with a terminal, by count", outputs.size())
                    .containsOnlyKeys("a\\r\\nb\\r\\n");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void attach_toContainerWithTty_linesEndExactlyAsTheTerminalWroteThem() throws Exception {
        String ttyId = startContainer(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("chatty-terminal"))
                .addCommand("sh").addArgs("-c").addArgs("while :; do echo a; echo b; sleep 0.05; done").setTty(true));
        String url = daemon.runtime().attach(AttachRequest.newBuilder().setContainerId(ttyId)
                .setTty(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            client.open("error");
            var stdout = client.open("stdout");
            client.open("resize");
            String seen = PodLifecycleIT.await(Duration.ofSeconds(10), stdout::receivedSoFar,
                    s -> s.split("b\r\n", -1).length > 10);

            // Attached mid-stream: what came before the first whole "b" line may be cut; after it, pairs of lines
            // and perhaps the start of one more.
            String whole = seen.substring(seen.indexOf("b\r\n") + 3);
            assertThat("a\r\nb\r\n").as(whole).startsWith(whole.replace("a\r\nb\r\n", ""));
        }
    }

    @Test
    void exec_clientGoesAway_commandIsKilled() throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("sleep").addCmd("3000").setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            client.open("error");
            client.open("stdout");
            PodLifecycleIT.await(Duration.ofSeconds(10), StreamingIT::sleepers, n -> n == 1);
        }
        PodLifecycleIT.await(Duration.ofSeconds(10), StreamingIT::sleepers, n -> n == 0);
    }

    @Test
    void exec_withTtyClientGoesAway_commandIsKilled() throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("sleep").addCmd("3000").setTty(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            client.open("error");
            client.open("stdout");
            client.open("resize");
            PodLifecycleIT.await(Duration.ofSeconds(10), StreamingIT::sleepers, n -> n == 1);
        }
        PodLifecycleIT.await(Duration.ofSeconds(10), StreamingIT::sleepers, n -> n == 0);
    }

    @Test
    void exec_withTtyUnknownExecutable_failureNamesIt() throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("no-such-program").setTty(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            var error = client.open("error");
            var stdout = client.open("stdout");
            client.open("resize");

            assertThat(error.readAll()).contains("\"status\":\"Failure\"",
                    "exec: \\\"no-such-program\\\": executable file not found in $PATH");
            assertThat(stdout.readAll()).isEmpty();
        }
    }

    @Test
    void exec_unknownContainer_notFound() {
        assertThatThrownBy(() -> daemon.runtime().exec(ExecRequest.newBuilder().setContainerId("f".repeat(64))
                .addCmd("ls").setStdout(true).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void attach_containerWithStdin_relaysBothWays_andDetachingLeavesItRunning() throws Exception {
        String shellId = startContainer(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("shell")).addCommand("sh").setStdin(true));
        String url = daemon.runtime().attach(AttachRequest.newBuilder().setContainerId(shellId)
                .setStdin(true).setStdout(true).setStderr(true).build()).getUrl();
        assertThat(url).contains("/attach/");
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");
            stdin.write("echo attached; echo oops >&2\n");
            PodLifecycleIT.await(Duration.ofSeconds(10), stdout::receivedSoFar, s -> s.equals("attached\n"));
            PodLifecycleIT.await(Duration.ofSeconds(10), stderr::receivedSoFar, s -> s.equals("oops\n"));
        }
        assertThat(status(shellId).getState()).as("detached, still running")
                .isEqualTo(ContainerState.CONTAINER_RUNNING);
    }

    @Test
    void createContainer_withTty_getsATerminalFromItsMonitor() throws Exception {
        String ttyId = startContainer(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("terminal"))
                .addCommand("sh").addArgs("-c").addArgs("[ -t 1 ] && echo on-a-terminal").setTty(true));
        ContainerStatus exited = PodLifecycleIT.await(Duration.ofSeconds(10), () -> status(ttyId),
                s -> s.getState() == ContainerState.CONTAINER_EXITED);

        assertThat(exited.getExitCode()).isZero();
        assertThat(Files.readString(Path.of(exited.getLogPath()))).contains("on-a-terminal");
    }

    @Test
    void portForward_reachesThePodsLoopback_andReportsRefusedPorts() throws Exception {
        startContainer(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("web"))
                .addCommand("sh").addArgs("-c").addArgs("mkdir -p /tmp/www && echo hello-from-pod > "
                        + "/tmp/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp/www"));
        String url = daemon.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId)
                .addPort(8080).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of("portforward.k8s.io"))) {
            assertThat(client.upgrade().status()).isEqualTo(101);
            String body = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int request = 0; !body.contains("hello-from-pod") && System.nanoTime() < deadline; request++) {
                // httpd may still be starting: each attempt is a new forwarded connection.
                var error = client.open(Map.of("streamtype", "error", "port", "8080", "requestid", "" + request));
                var data = client.open(Map.of("streamtype", "data", "port", "8080", "requestid", "" + request));
                data.write("GET /index.html HTTP/1.0\r\n\r\n");
                body = data.readAll();
                String failure = error.readAll();
                if (!body.contains("hello-from-pod")) {
                    assertThat(failure).contains("error forwarding port 8080");
                    Thread.sleep(100);
                }
            }
            assertThat(body).startsWith("HTTP/1.").contains("hello-from-pod");
            var refused = client.open(Map.of("streamtype", "error", "port", "8081", "requestid", "refused"));
            var refusedData = client.open(Map.of("streamtype", "data", "port", "8081", "requestid", "refused"));
            assertThat(refused.readAll()).startsWith("error forwarding port 8081 to pod " + podId);
            assertThat(refusedData.readAll()).isEmpty();
        }
    }

    /** Runs {@code script} with a terminal in the sleeper and returns its output once it exited with 0. */
    private static String execWithTty(String script) throws Exception {
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId)
                .addCmd("sh").addCmd("-c").addCmd(script).setTty(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            var error = client.open("error");
            var stdout = client.open("stdout");
            client.open("resize");
            String output = stdout.readAll();
            assertThat(error.readAll()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            return output;
        }
    }

    /** Processes running "sleep 3000": only the tests of clients that go away start one. */
    private static long sleepers() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readString(p.resolve("cmdline")).equals("sleep\0" + "3000\0");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

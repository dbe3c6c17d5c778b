package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStatus;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ExecSyncRequest;
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
import dev.berth.server.streaming.WebSocketTestClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exec, attach and port forwarding through the streaming server, end to end: the RPCs of a real daemon hand
 * out URLs, a SPDY client connects there as kubectl's would, and the commands run in real containers of one
 * pod with runc and conmon.
 */
class StreamingIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:stream";
    private static final List<String> PROTOCOLS = List.of("v4.channel.k8s.io", "v3.channel.k8s.io");
    private static final int TEN_MIB = 10 << 20;

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;
    static PodSandboxConfig podConfig;
    static String podId;
    static String sleeperId;
    static String portServerId;

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

    // --- large transfers, WebSocket, resize, stdin close and orderly ends ---

    /** Reads exactly 10 MiB of stdin and prints its sha256. */
    private static final String SHA_OF_STDIN = "head -c " + TEN_MIB + " | sha256sum";

    /** Writes 10 MiB of random bytes on stdout and their sha256 on stderr. */
    private static String randomOutput(String name) {
        String file = "/tmp/out-" + name;
        return "head -c " + TEN_MIB + " /dev/urandom > " + file + " && sha256sum < " + file + " >&2 && cat " + file
                + "; rm -f " + file;
    }

    private static String execUrl(String script, boolean tty, boolean stdin) {
        return daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(sleeperId).addCmd("sh").addCmd("-c")
                .addCmd(script).setTty(tty).setStdin(stdin).setStdout(true).setStderr(!tty).build()).getUrl();
    }

    @Test
    void exec_spdy_tenMibEachWay_checksumsMatch_withAndWithoutFlowControl() throws Exception {
        for (boolean flowControl : List.of(false, true)) {
            byte[] input = random(TEN_MIB, flowControl ? 11 : 12);
            String url = execUrl(SHA_OF_STDIN, false, true);
            try (SpdyTestClient client = flowControl ? SpdyTestClient.connectWithFlowControl(url, PROTOCOLS)
                    : SpdyTestClient.connect(url, PROTOCOLS)) {
                var error = client.open("error");
                var stdin = client.open("stdin");
                var stdout = client.open("stdout");
                client.open("stderr");
                stdin.write(input);
                stdin.closeWrite();

                assertThat(stdout.readAll()).as("flow control %s", flowControl).isEqualTo(sha256(input) + "  -\n");
                assertThat(error.readAll()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
                assertThat(client.windowViolations()).isZero();
                client.awaitClosed();
                assertThat(client.failure()).isNull();
            }
            url = execUrl(randomOutput("spdy-" + flowControl), false, false);
            try (SpdyTestClient client = flowControl ? SpdyTestClient.connectWithFlowControl(url, PROTOCOLS)
                    : SpdyTestClient.connect(url, PROTOCOLS)) {
                var error = client.open("error");
                var stdout = client.open("stdout");
                var stderr = client.open("stderr");

                byte[] output = stdout.readAllBytes();
                assertThat(output).hasSize(TEN_MIB);
                assertThat(stderr.readAll()).isEqualTo(sha256(output) + "  -\n");
                assertThat(error.readAll()).contains("Success");
                assertThat(client.windowViolations()).as("flow control %s", flowControl).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io",
            "base64.channel.k8s.io"})
    void exec_webSocket_tenMibEachWay_checksumsMatch_exitCodes(String protocol) throws Exception {
        byte[] input = random(TEN_MIB, protocol.hashCode());
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(SHA_OF_STDIN + "; exit 3", false,
                true), List.of(protocol))) {
            assertThat(client.upgrade().protocol()).as(client.upgrade().body()).isEqualTo(protocol);
            client.sendAll(0, input, 32 * 1024);
            if (protocol.startsWith("v5.")) {
                client.closeChannel(0);
            }
            client.awaitClosed();

            assertThat(client.receivedText(1)).isEqualTo(sha256(input) + "  -\n");
            assertExitCode(protocol, client.receivedText(3), 3);
            assertThat(client.failure()).isNull();
            assertThat(client.closeStatus()).isEqualTo(1000);
        }
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(randomOutput(protocol), false, false),
                List.of(protocol))) {
            client.awaitClosed();

            byte[] output = client.received(1);
            assertThat(output).hasSize(TEN_MIB);
            assertThat(client.receivedText(2)).isEqualTo(sha256(output) + "  -\n");
            assertExitCode(protocol, client.receivedText(3), 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io",
            "base64.channel.k8s.io"})
    void exec_webSocketWithTty_windowSizeFollowsResize_exitCode(String protocol) throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl("exec sh", true, true),
                List.of(protocol))) {
            client.send(4, "{\"Width\":123,\"Height\":45}");
            awaitTerminalSize(client, "45 123");
            client.send(0, "[ -t 0 ] && echo on-a-terminal; exit 4\n");
            client.awaitClosed();

            assertThat(client.receivedText(1)).contains("on-a-terminal\r");
            assertThat(client.messages(2)).as("a terminal has one output").isEmpty();
            assertExitCode(protocol, client.receivedText(3), 4);
        }
    }

    /** Asks for the terminal's size until it shows: the resize and the input travel on separate channels. */
    private static void awaitTerminalSize(WebSocketTestClient client, String size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            client.send(0, "stty size\n");
            if (client.awaitFor(1, b -> new String(b, StandardCharsets.UTF_8).contains(size + "\r"),
                    Duration.ofMillis(500))) {
                return;
            }
            assertThat(System.nanoTime()).as("no %s in %s", size, client.receivedText(1)).isLessThan(deadline);
        }
    }

    @Test
    void attach_terminalOfTheContainer_followsResize_overWebSocketAndSpdy() throws Exception {
        String id = startContainer(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("tty-shell")).addCommand("sh").setTty(true)
                .setStdin(true));
        String url = daemon.runtime().attach(AttachRequest.newBuilder().setContainerId(id).setTty(true)
                .setStdin(true).setStdout(true).build()).getUrl();
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of("v5.channel.k8s.io"))) {
            client.send(4, "{\"Width\":123,\"Height\":45}");
            awaitTerminalSize(client, "45 123");
        }
        url = daemon.runtime().attach(AttachRequest.newBuilder().setContainerId(id).setTty(true).setStdin(true)
                .setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var resize = client.open("resize");
            resize.write("{\"Width\":77,\"Height\":33}\n");
            // Asked again each time the input has been echoed, until the new size shows.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (int asked = 1; !stdout.receivedSoFar().contains("33 77\r"); asked++) {
                assertThat(System.nanoTime()).as(stdout.receivedSoFar()).isLessThan(deadline);
                stdin.write("stty size\n");
                int times = asked;
                PodLifecycleIT.await(Duration.ofSeconds(10), stdout::receivedSoFar,
                        out -> out.split("stty size", -1).length > times);
            }
        }
        assertThat(status(id).getState()).as("detached, still running").isEqualTo(ContainerState.CONTAINER_RUNNING);
    }

    @Test
    void attach_stdinOnce_clientClosingStdinEndsTheContainersInput() throws Exception {
        String id = startContainer(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("once")).addCommand("sh").addArgs("-c")
                .addArgs("cat; echo done").setStdin(true).setStdinOnce(true));
        String url = daemon.runtime().attach(AttachRequest.newBuilder().setContainerId(id).setStdin(true)
                .setStdout(true).setStderr(true).build()).getUrl();
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of("v5.channel.k8s.io"))) {
            client.send(0, "hello\n");
            client.await(1, b -> new String(b, StandardCharsets.UTF_8).equals("hello\n"));
            client.closeChannel(0);
            client.awaitClosed();

            assertThat(client.receivedText(1)).isEqualTo("hello\ndone\n");
            assertThat(client.receivedText(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        }
        ContainerStatus exited = PodLifecycleIT.await(Duration.ofSeconds(10), () -> status(id),
                s -> s.getState() == ContainerState.CONTAINER_EXITED);
        assertThat(exited.getExitCode()).isZero();
    }

    @Test
    void attach_notStdinOnce_clientClosingStdinDetaches() throws Exception {
        String id = startContainer(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("keeps-stdin")).addCommand("cat")
                .setStdin(true));
        String url = daemon.runtime().attach(AttachRequest.newBuilder().setContainerId(id).setStdin(true)
                .setStdout(true).setStderr(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(url, PROTOCOLS)) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            client.open("stderr");
            stdin.write("first\n");
            PodLifecycleIT.await(Duration.ofSeconds(10), stdout::receivedSoFar, s -> s.equals("first\n"));
            stdin.closeWrite();

            assertThat(error.readAll()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            client.awaitClosed();
        }
        assertThat(status(id).getState()).as("its input stays open for the next client")
                .isEqualTo(ContainerState.CONTAINER_RUNNING);
    }

    /**
     * The pod's container serving 10 MiB of random bytes on 9001 and the sha256 of 10 MiB it reads on 9000;
     * started once, as the pod's containers share its ports. The bytes are in /tmp/blob once complete.
     */
    private static synchronized String portServer() {
        if (portServerId == null) {
            portServerId = startContainer(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder()
                    .setName("ports")).addCommand("sh").addArgs("-c").addArgs("head -c " + TEN_MIB
                    + " /dev/urandom > /tmp/blob.part && mv /tmp/blob.part /tmp/blob"
                    + " && (nc -ll -p 9001 -e cat /tmp/blob &) && exec nc -ll -p 9000 -e sh -c '" + SHA_OF_STDIN
                    + "'"));
        }
        return portServerId;
    }

    private static String blobSha(String id) {
        String out = daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(id)
                .addCmd("sha256sum").addCmd("/tmp/blob").setTimeout(30).build()).getStdout().toStringUtf8();
        return out.split(" ")[0];
    }

    @Test
    void portForward_spdy_tenMibEachWay_checksumsMatch_withAndWithoutFlowControl() throws Exception {
        String server = portServer();
        String blob = PodLifecycleIT.await(Duration.ofSeconds(20), () -> blobSha(server), sha -> sha.length() == 64);
        String url = daemon.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId)
                .addPort(9000).addPort(9001).build()).getUrl();
        for (boolean flowControl : List.of(false, true)) {
            try (SpdyTestClient client = flowControl
                    ? SpdyTestClient.connectWithFlowControl(url, List.of("portforward.k8s.io"))
                    : SpdyTestClient.connect(url, List.of("portforward.k8s.io"))) {
                byte[] input = random(TEN_MIB, 21);
                String request = "up-" + flowControl;
                awaitListening(client, request, 9000);
                var upError = client.open(Map.of("streamtype", "error", "port", "9000", "requestid", request));
                var up = client.open(Map.of("streamtype", "data", "port", "9000", "requestid", request));
                up.write(input);
                assertThat(up.readAll()).isEqualTo(sha256(input) + "  -\n");
                assertThat(upError.readAll()).isEmpty();

                var downError = client.open(Map.of("streamtype", "error", "port", "9001", "requestid", "down"));
                var down = client.open(Map.of("streamtype", "data", "port", "9001", "requestid", "down"));
                byte[] output = down.readAllBytes();
                assertThat(output).hasSize(TEN_MIB);
                assertThat(sha256(output)).isEqualTo(blob);
                assertThat(downError.readAll()).isEmpty();
                assertThat(client.windowViolations()).isZero();
            }
            url = daemon.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId)
                    .addPort(9000).addPort(9001).build()).getUrl();
        }
    }

    /** Opens forwarded connections to {@code port} until one gets an answer other than a refusal. */
    private static void awaitListening(SpdyTestClient client, String request, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int attempt = 0; ; attempt++) {
            var error = client.open(Map.of("streamtype", "error", "port", "" + port, "requestid",
                    request + "-probe-" + attempt));
            var data = client.open(Map.of("streamtype", "data", "port", "" + port, "requestid",
                    request + "-probe-" + attempt));
            // An empty input gives an empty answer, or "Connection refused" while nc is not yet listening.
            data.closeWrite();
            data.readAll();
            if (error.readAll().isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as("port %d never listened", port).isLessThan(deadline);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v4.channel.k8s.io", "v4.base64.channel.k8s.io"})
    void portForward_webSocket_tenMibEachWay_twoPortsOnOneConnection(String protocol) throws Exception {
        String server = portServer();
        String blob = PodLifecycleIT.await(Duration.ofSeconds(20), () -> blobSha(server), sha -> sha.length() == 64);
        try (SpdyTestClient probe = SpdyTestClient.connect(daemon.runtime().portForward(PortForwardRequest
                .newBuilder().setPodSandboxId(podId).build()).getUrl(), List.of("portforward.k8s.io"))) {
            awaitListening(probe, "ws", 9000);
            awaitListening(probe, "ws", 9001);
        }
        byte[] input = random(TEN_MIB, 31);
        String url = daemon.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId)
                .addPort(9000).addPort(9001).build()).getUrl();
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of(protocol))) {
            assertThat(client.upgrade().protocol()).isEqualTo(protocol);
            client.sendAll(0, input, 32 * 1024);
            client.awaitClosed();

            byte[] up = client.received(0);
            assertThat(new String(up, 2, up.length - 2, StandardCharsets.UTF_8)).isEqualTo(sha256(input) + "  -\n");
            byte[] down = client.received(2);
            assertThat(java.util.Arrays.copyOfRange(down, 0, 2)).containsExactly(0x29, 0x23);
            assertThat(down).hasSize(2 + TEN_MIB);
            assertThat(sha256(java.util.Arrays.copyOfRange(down, 2, down.length))).isEqualTo(blob);
            assertThat(client.received(1)).as("only the port").hasSize(2);
            assertThat(client.received(3)).as("only the port").hasSize(2);
            assertThat(client.failure()).isNull();
        }
    }

    @Test
    void sessionsEndWithTheirCommand_clientSeesAnOrderlyEndOfStream_neverAReset() throws Exception {
        byte[] chunk = new byte[16 * 1024];
        for (int session = 0; session < 10; session++) {
            // The command ends at once while the client is still sending: input the server has not read must not
            // turn its close into a reset.
            try (SpdyTestClient client = SpdyTestClient.connect(execUrl("head -c 1 >/dev/null", false, true),
                    PROTOCOLS)) {
                client.open("error");
                var stdin = client.open("stdin");
                client.open("stdout");
                client.open("stderr");
                sendUntilClosed(client::isOpen, () -> stdin.write(chunk));
                client.awaitClosed();
                assertThat(client.failure()).withFailMessage("SPDY session %d ended with %s", session,
                        client.failure()).isNull();
            }
            try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl("head -c 1 >/dev/null", false,
                    true), List.of("v4.channel.k8s.io"))) {
                sendUntilClosed(client::isOpen, () -> client.send(0, chunk));
                client.awaitClosed();
                assertThat(client.failure()).withFailMessage("WebSocket session %d ended with %s", session,
                        client.failure()).isNull();
                assertThat(client.closeStatus()).isEqualTo(1000);
            }
        }
    }

    private interface Send {
        void send() throws Exception;
    }

    private static void sendUntilClosed(java.util.function.BooleanSupplier open, Send send) {
        while (open.getAsBoolean()) {
            try {
                send.send();
            } catch (Exception closedMeanwhile) {
                return;
            }
        }
    }

    private static void assertExitCode(String protocol, String errorChannel, int code) {
        if (protocol.startsWith("v4.") || protocol.startsWith("v5.")) {
            assertThat(errorChannel).contains(code == 0 ? "\"status\":\"Success\""
                    : "{\"reason\":\"ExitCode\",\"message\":\"" + code + "\"}");
        } else if (code == 0) {
            assertThat(errorChannel).isEmpty();
        } else {
            assertThat(errorChannel).endsWith("exit code " + code);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
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

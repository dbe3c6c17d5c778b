package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.StartContainerRequest;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec through the streaming server, end to end: the Exec RPC of a real daemon hands out a URL, a SPDY client
 * connects there as kubectl's would, and the command runs in a real container with runc.
 */
class StreamingIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:stream";
    private static final List<String> PROTOCOLS = List.of("v4.channel.k8s.io", "v3.channel.k8s.io");

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "stream");
        daemon = DaemonProcess.start(dir.resolve("berth"), registry.endpoint());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                for (var pod : daemon.runtime().listPodSandbox(
                        dev.berth.cri.v1.ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                    daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId())
                            .build());
                    daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder()
                            .setPodSandboxId(pod.getId()).build());
                }
                daemon.close();
            }
        } finally {
            if (daemon != null) {
                PodLifecycleIT.run("ip", "link", "del", daemon.bridge);
                PodLifecycleIT.removeCgroupParent(daemon.cgroupParent);
            }
            if (registry != null) {
                registry.close();
            }
        }
    }

    @Test
    void execAndPortForward_overSpdy_copyStreams_reportExitCodes_andTokensAreSingleUse() throws Exception {
        daemon.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .build());
        String uid = UUID.randomUUID().toString();
        PodSandboxConfig podConfig = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("streams").setNamespace("e2e").setUid(uid))
                .setHostname("streams")
                .setLogDirectory(daemon.logDir.resolve(uid).toString())
                .build();
        String podId = daemon.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig)
                .build()).getPodSandboxId();
        String containerId = daemon.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setSandboxConfig(podConfig)
                .setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
                        .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                        .addCommand("sleep").addArgs("600")
                        .setLogPath("sleeper.log"))
                .build()).getContainerId();
        daemon.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());

        // Separate stdout and stderr, and the exit code in the v4 status on the error stream.
        String url = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(containerId)
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

        // Input reaches the command; its end ends the command, which succeeds.
        String catUrl = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(containerId)
                .addCmd("cat").setStdin(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(catUrl, PROTOCOLS)) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            stdin.write("hello\n");
            stdin.write("world\n");
            stdin.closeWrite();

            assertThat(stdout.readAll()).isEqualTo("hello\nworld\n");
            assertThat(error.readAll()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        }

        // A terminal: one output stream, the window size the client sets, the exit code of the shell.
        String ttyUrl = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(containerId)
                .addCmd("sh").setTty(true).setStdin(true).setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(ttyUrl, PROTOCOLS)) {
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

            assertThat(stdout.readAll()).contains("45 123\r\n", "on-a-terminal\r\n");
            assertThat(error.readAll()).contains("{\"reason\":\"ExitCode\",\"message\":\"4\"}");
        }

        // A client that goes away takes its command with it.
        String sleepUrl = daemon.runtime().exec(ExecRequest.newBuilder().setContainerId(containerId)
                .addCmd("sleep").addCmd("3000").setStdout(true).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(sleepUrl, PROTOCOLS)) {
            client.open("error");
            client.open("stdout");
            PodLifecycleIT.await(Duration.ofSeconds(10), StreamingIT::sleepersInContainers, n -> n == 1);
        }
        PodLifecycleIT.await(Duration.ofSeconds(10), StreamingIT::sleepersInContainers, n -> n == 0);

        // Port forwarding reaches the pod's loopback through its network namespace.
        String webId = daemon.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setSandboxConfig(podConfig)
                .setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("web"))
                        .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                        .addCommand("sh").addArgs("-c").addArgs("mkdir -p /tmp/www && echo hello-from-pod > "
                                + "/tmp/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp/www")
                        .setLogPath("web.log"))
                .build()).getContainerId();
        daemon.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(webId).build());
        String forwardUrl = daemon.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId)
                .addPort(8080).build()).getUrl();
        try (SpdyTestClient client = SpdyTestClient.connect(forwardUrl, List.of("portforward.k8s.io"))) {
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
            var closed = client.open(Map.of("streamtype", "error", "port", "8081", "requestid", "refused"));
            var closedData = client.open(Map.of("streamtype", "data", "port", "8081", "requestid", "refused"));
            assertThat(closed.readAll()).startsWith("error forwarding port 8081 to pod " + podId);
            assertThat(closedData.readAll()).isEmpty();
        }

        assertThatThrownBy(() -> daemon.runtime().exec(ExecRequest.newBuilder().setContainerId("f".repeat(64))
                .addCmd("ls").setStdout(true).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

        try (Stream<Path> files = Files.walk(daemon.dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("exec process files").noneMatch(n -> n.startsWith("exec-"));
        }
        daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        daemon.images().removeImage(RemoveImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
    }

    /** Processes running "sleep 3000": only the exec above starts one. */
    private static long sleepersInContainers() {
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

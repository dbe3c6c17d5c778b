package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.sandbox.ExecProcess;
import dev.berth.sandbox.ExecResult;
import dev.berth.server.fakes.ScriptedExecProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming server on loopback with a fake runtime, driven by a WebSocket client of the channel protocols. */
class StreamingServerWebSocketTest extends StreamingServerFixture {

    @ParameterizedTest
    @ValueSource(strings = {"v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io",
            "channel.k8s.io", "base64.channel.k8s.io", ""})
    void exec_everyChannelProtocol_readyMessage_outputsAndStatus(String protocol) throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(false),
                protocol.isEmpty() ? List.of() : List.of(protocol))) {
            assertThat(client.upgrade().status()).as(client.upgrade().body()).isEqualTo(101);
            assertThat(client.upgrade().protocol()).isEqualTo(protocol);
            client.awaitClosed();

            assertThat(client.messages(WebSocketExec.STDOUT).getFirst())
                    .as("an empty message on stdout says the connection is ready").isEmpty();
            assertThat(client.receivedText(WebSocketExec.STDOUT)).isEqualTo("out:");
            assertThat(client.receivedText(WebSocketExec.STDERR)).isEqualTo("err\n");
            String status = client.receivedText(WebSocketExec.ERROR);
            if (protocol.startsWith("v4.") || protocol.startsWith("v5.")) {
                assertThat(status).contains("\"reason\":\"NonZeroExitCode\"",
                        "{\"reason\":\"ExitCode\",\"message\":\"3\"}");
            } else {
                assertThat(status).isEqualTo("command terminated with non-zero exit code: error executing command "
                        + "[sh, -c, cat], exit code 3");
            }
            assertThat(client.closeStatus()).isEqualTo(1000);
            assertThat(client.failure()).as("an orderly end of the connection").isNull();
            assertThat(client.malformed()).isEmpty();
        }
        assertThat(started.get().closed()).isTrue();
    }

    @Test
    void exec_v5ClosesStdin_commandReadsItsInputToTheEnd() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(true), List.of(Protocols.WS_V5))) {
            client.send(WebSocketExec.STDIN, "hello\n");
            client.send(WebSocketExec.STDIN, "world\n");
            client.closeChannel(WebSocketExec.STDIN);
            client.awaitClosed();

            assertThat(client.receivedText(WebSocketExec.STDOUT)).isEqualTo("out:hello\nworld\n");
            assertThat(client.receivedText(WebSocketExec.ERROR)).contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}");
        }
    }

    @Test
    void exec_base64Stdin_decodedForTheCommand_outputEncodedBack_clientCloseKillsIt() throws Exception {
        Echo echo = new Echo();
        runtime.execStarts(command -> echo);
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(true),
                List.of(Protocols.WS_V4_BASE64))) {
            client.send(WebSocketExec.STDIN, new byte[] {0, 1, 2, (byte) 255, '\n'});
            client.await(WebSocketExec.STDOUT, b -> b.length == 5);
            assertThat(client.received(WebSocketExec.STDOUT)).containsExactly(0, 1, 2, 255, '\n');

            client.closeConnection();
            client.awaitClosed();
            assertThat(echo.waitFor()).as("the client's close kills the command").isEqualTo(137);
        }
    }

    /** A command that writes its input to its output as it comes, until killed. */
    private static final class Echo implements ExecProcess {
        private final PipedInputStream output = new PipedInputStream(1 << 16);
        private final PipedOutputStream input;
        private final CountDownLatch killed = new CountDownLatch(1);

        Echo() {
            try {
                input = new PipedOutputStream(output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public OutputStream stdin() {
            return input;
        }

        @Override
        public InputStream stdout() {
            return output;
        }

        @Override
        public InputStream stderr() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            killed.await();
            return 137;
        }

        @Override
        public boolean isAlive() {
            return killed.getCount() > 0;
        }

        @Override
        public void kill() {
            killed.countDown();
            try {
                input.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() {
            kill();
        }
    }

    @Test
    void exec_clientPrefersAnUnknownProtocol_getsItsBestKnownOne() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(false),
                List.of("v6.channel.k8s.io", Protocols.WS_V5, Protocols.V4))) {
            assertThat(client.upgrade().protocol()).isEqualTo(Protocols.WS_V5);
        }
    }

    @Test
    void exec_noSharedProtocol_isForbidden() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(false),
                List.of(Protocols.V3, Protocols.PORT_FORWARD_V1))) {
            assertThat(client.upgrade().status()).isEqualTo(403);
            assertThat(client.upgrade().body()).contains("not supported", Protocols.WS_V5);
        }
    }

    @Test
    void attach_withTerminal_resizeChannelSetsTheTerminalSize_noStderrChannel() throws Exception {
        String url = server.attach(AttachRequest.newBuilder().setContainerId(RUNNING).setTty(true).setStdin(true)
                .setStdout(true).setStderr(true).build());
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of(Protocols.WS_V5))) {
            client.send(WebSocketExec.RESIZE, "{\"Width\":123,\"Height\":45}");
            client.send(WebSocketExec.RESIZE, "{\"Width\":80,\"Height\":24}");
            ScriptedExecProcess process = PollUntil.nonNull(started::get);
            PollUntil.isTrue(() -> process.resizes().size() == 2);
            client.send(WebSocketExec.STDIN, "typed\n");
            client.closeChannel(WebSocketExec.STDIN);
            client.awaitClosed();

            assertThat(process.resizes()).containsExactly("123x45", "80x24");
            assertThat(client.receivedText(WebSocketExec.STDOUT)).isEqualTo("out:typed\n");
            assertThat(client.messages(WebSocketExec.STDERR)).as("a terminal has one output").isEmpty();
        }
        assertThat(fakes.log().mutations()).containsExactly("runtime.attach(" + RUNNING + ")");
    }

    @Test
    void attach_withoutStdin_leavesTheContainersInputAlone() throws Exception {
        runtime.execStarts(command -> {
            ScriptedExecProcess p = ScriptedExecProcess.hanging();
            started.set(p);
            return p;
        });
        String url = server.attach(AttachRequest.newBuilder().setContainerId(RUNNING).setStdout(true).build());
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of(Protocols.V4))) {
            ScriptedExecProcess process = PollUntil.nonNull(started::get);
            assertThat(process.isAlive()).isTrue();
            client.closeConnection();
            client.awaitClosed();
            assertThat(process.waitFor()).as("detached when the client went").isEqualTo(137);
        }
    }

    @Test
    void portForward_portsOfTheRequest_channelPairsWithPortHeaders_dataAndErrors() throws Exception {
        runtime.portForwardConnects(port -> port == 80
                ? ScriptedExecProcess.exited(new ExecResult(0, "hello-from-80".getBytes(StandardCharsets.UTF_8),
                        new byte[0]))
                : ScriptedExecProcess.exited(new ExecResult(1, new byte[0],
                        "Connection refused".getBytes(StandardCharsets.UTF_8))));
        String url = server.portForward(PortForwardRequest.newBuilder().setPodSandboxId(POD).addPort(80)
                .addPort(81).build());
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of(Protocols.V4))) {
            assertThat(client.upgrade().protocol()).isEqualTo(Protocols.V4);
            client.awaitClosed();

            assertThat(client.messages(0).getFirst()).containsExactly(80, 0);
            assertThat(client.messages(1).getFirst()).containsExactly(80, 0);
            assertThat(client.messages(2).getFirst()).containsExactly(81, 0);
            assertThat(client.messages(3).getFirst()).containsExactly(81, 0);
            assertThat(new String(client.received(0), 2, client.received(0).length - 2, StandardCharsets.UTF_8))
                    .isEqualTo("hello-from-80");
            assertThat(client.received(1)).hasSize(2);
            assertThat(new String(client.received(3), 2, client.received(3).length - 2, StandardCharsets.UTF_8))
                    .isEqualTo("error forwarding port 81 to pod " + POD + ", uid : Connection refused");
            assertThat(client.closeStatus()).as("closed once every port is done").isEqualTo(1000);
            assertThat(client.failure()).isNull();
        }
        assertThat(fakes.log().mutations()).containsExactlyInAnyOrder("runtime.portForward(" + POD + ", 80)",
                "runtime.portForward(" + POD + ", 81)");
    }

    @Test
    void portForward_requestWithoutPorts_takesThemFromTheQuery_base64() throws Exception {
        runtime.portForwardConnects(port -> ScriptedExecProcess.exited(new ExecResult(0,
                ("port " + port).getBytes(StandardCharsets.UTF_8), new byte[0])));
        String url = server.portForward(PortForwardRequest.newBuilder().setPodSandboxId(POD).build());
        try (WebSocketTestClient client = WebSocketTestClient.connect(url + "?port=8080,9090",
                List.of(Protocols.WS_V4_BASE64))) {
            assertThat(client.upgrade().protocol()).isEqualTo(Protocols.WS_V4_BASE64);
            client.awaitClosed();

            assertThat(client.messages(0).getFirst()).containsExactly(0x90, 0x1f);
            assertThat(client.receivedText(0)).endsWith("port 8080");
            assertThat(client.receivedText(2)).endsWith("port 9090");
        }
    }

    @Test
    void portForward_noPortAnywhere_isBadRequest() throws Exception {
        String url = server.portForward(PortForwardRequest.newBuilder().setPodSandboxId(POD).build());
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of(Protocols.V4))) {
            assertThat(client.upgrade().status()).isEqualTo(400);
            assertThat(client.upgrade().body()).contains("query parameter \"port\" is required");
        }
        try (WebSocketTestClient client = WebSocketTestClient.connect(
                server.portForward(PortForwardRequest.newBuilder().setPodSandboxId(POD).build()) + "?port=http",
                List.of(Protocols.V4))) {
            assertThat(client.upgrade().status()).isEqualTo(400);
            assertThat(client.upgrade().body()).contains("unable to parse \"http\" as a port");
        }
    }

    @Test
    void portForward_remoteCommandProtocol_isForbidden() throws Exception {
        String url = server.portForward(PortForwardRequest.newBuilder().setPodSandboxId(POD).addPort(80).build());
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, List.of(Protocols.WS_V5))) {
            assertThat(client.upgrade().status()).isEqualTo(403);
        }
    }

    @Test
    void exec_clientKeepsSendingAsTheCommandEnds_connectionEndsWithoutReset() throws Exception {
        runtime.execStarts(command -> ScriptedExecProcess.exited(new ExecResult(0, new byte[0], new byte[0])));
        byte[] chunk = new byte[16 * 1024];
        for (int session = 0; session < 20; session++) {
            try (WebSocketTestClient client = WebSocketTestClient.connect(execUrl(true), List.of(Protocols.WS_V5))) {
                // Until the server's end of stream: input it no longer reads meets its close.
                while (client.isOpen()) {
                    try {
                        client.send(WebSocketExec.STDIN, chunk);
                    } catch (Exception e) {
                        break;
                    }
                }
                client.awaitClosed();
                assertThat(client.failure()).withFailMessage("session %d ended with %s", session, client.failure()).isNull();
                assertThat(client.closeStatus()).isEqualTo(1000);
            }
        }
    }
}

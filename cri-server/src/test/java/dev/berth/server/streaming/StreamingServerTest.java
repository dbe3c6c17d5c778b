package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.berth.cri.v1.ExecRequest;
import dev.berth.sandbox.ExecResult;
import dev.berth.server.fakes.ScriptedExecProcess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The streaming server on loopback with a fake runtime, driven by a SPDY client as kubectl's would. */
class StreamingServerTest extends StreamingServerFixture {

    @Test
    void exec_v4WithStdin_copiesStreamsAndReportsExitCode() throws Exception {
        String url = execUrl(true);
        assertThat(url).matches("http://127\\.0\\.0\\.1:" + server.port() + "/exec/[A-Za-z0-9_-]+");

        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of("v5.channel.k8s.io", Protocols.V4,
                Protocols.V3))) {
            assertThat(client.upgrade().status()).isEqualTo(101);
            assertThat(client.upgrade().protocol()).isEqualTo(Protocols.V4);
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");
            assertThat(client.ping()).isEqualTo(7);
            assertThat(List.of(error, stdin, stdout, stderr)).as("replies need a header block for Go clients")
                    .allSatisfy(s -> assertThat(s.replyHeaders()).isPositive());
            stdin.write("hello\n");
            stdin.closeWrite();

            assertThat(stdout.readAll()).isEqualTo("out:hello\n");
            assertThat(stderr.readAll()).isEqualTo("err\n");
            assertThat(error.readAll()).contains("\"reason\":\"NonZeroExitCode\"")
                    .contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}");
            client.awaitClosed();
        }
        assertThat(started.get().closed()).isTrue();
        assertThat(fakes.log().mutations()).containsExactly("runtime.startExec(" + RUNNING + ", [sh, -c, cat], false)");
    }

    @Test
    void exec_v2Success_writesNothingOnErrorStream() throws Exception {
        runtime.execStarts(command -> new ScriptedExecProcess(in -> new ExecResult(0,
                "ok\n".getBytes(StandardCharsets.UTF_8), new byte[0])));
        try (SpdyTestClient client = SpdyTestClient.connect(execUrl(false), List.of(Protocols.V2))) {
            assertThat(client.upgrade().protocol()).isEqualTo(Protocols.V2);
            var error = client.open("error");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");

            assertThat(stdout.readAll()).isEqualTo("ok\n");
            assertThat(stderr.readAll()).isEmpty();
            assertThat(error.readAll()).isEmpty();
        }
    }

    @Test
    void exec_commandCannotStart_reportsInternalError() throws Exception {
        runtime.execStarts(null);
        try (SpdyTestClient client = SpdyTestClient.connect(execUrl(false), List.of(Protocols.V4))) {
            var error = client.open("error");
            client.open("stdout");
            client.open("stderr");

            assertThat(error.readAll()).contains("\"reason\":\"InternalError\"").contains("\"code\":500");
        }
    }

    @Test
    void connect_tokenUsedTwice_secondIsNotFound() throws Exception {
        String url = execUrl(false);
        try (SpdyTestClient first = SpdyTestClient.connect(url, List.of(Protocols.V4))) {
            assertThat(first.upgrade().status()).isEqualTo(101);
        }
        try (SpdyTestClient second = SpdyTestClient.connect(url, List.of(Protocols.V4))) {
            assertThat(second.upgrade().status()).isEqualTo(404);
        }
    }

    @Test
    void connect_unknownTokenOrPath_isNotFound() throws Exception {
        try (SpdyTestClient client = SpdyTestClient.connect("http://127.0.0.1:" + server.port() + "/exec/nope",
                List.of(Protocols.V4))) {
            assertThat(client.upgrade().status()).isEqualTo(404);
        }
        String token = execUrl(false).replaceAll(".*/", "");
        try (SpdyTestClient client = SpdyTestClient.connect("http://127.0.0.1:" + server.port() + "/attach/"
                + token, List.of(Protocols.V4))) {
            assertThat(client.upgrade().status()).as("an exec token does not serve attach").isEqualTo(404);
        }
    }

    @Test
    void connect_noSharedProtocol_isForbiddenListingAccepted() throws Exception {
        try (SpdyTestClient client = SpdyTestClient.connect(execUrl(false), List.of("v5.channel.k8s.io"))) {
            assertThat(client.upgrade().status()).isEqualTo(403);
            assertThat(client.upgrade().accepted()).containsExactlyElementsOf(Protocols.REMOTE_COMMAND);
        }
    }

    @Test
    void connect_webSocketOfAnotherVersion_isRefusedAndKeepsToken() throws Exception {
        String url = execUrl(false);
        // This client sends no Sec-WebSocket-Version, as a pre-RFC 6455 WebSocket client would.
        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of(Protocols.V4), "websocket")) {
            assertThat(client.upgrade().status()).isEqualTo(426);
        }
        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of(Protocols.V4))) {
            assertThat(client.upgrade().status()).as("the token still works over SPDY").isEqualTo(101);
        }
    }

    @Test
    void connect_neitherSpdyNorWebSocket_isBadRequest_loggedAtInfoWithTheReason() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger logger = (Logger) LoggerFactory.getLogger(UpgradeHandler.class);
        logger.addAppender(logged);
        try (SpdyTestClient client = SpdyTestClient.connect(execUrl(false), List.of(Protocols.V4), "h2c")) {
            assertThat(client.upgrade().status()).isEqualTo(400);
            assertThat(client.upgrade().body()).contains("SPDY/3.1 or websocket");
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getFormattedMessage()).contains("refused a exec streaming connection", "400",
                    "it asked for \"h2c\"").doesNotContain("/exec/");
        });
    }

    @Test
    void exec_clientKeepingFlowControl_megabytesBothWaysWithinWindows() throws Exception {
        // Only stdout carries data, so that one writer uses up the session's window.
        runtime.execStarts(command -> new ScriptedExecProcess(in -> new ExecResult(3,
                ("out:" + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8), new byte[0])));
        byte[] input = asciiInput(1);
        try (SpdyTestClient client = SpdyTestClient.connectWithFlowControl(execUrl(true), List.of(Protocols.V4))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");
            client.holdGrants();
            // Beyond the first 64 KiB the client waits for the server's grants, which come as the command reads.
            stdin.write(input);
            stdin.closeWrite();

            // The server sends a window's worth, then waits; having been granted nothing, the client is probed.
            PollUntil.isTrue(() -> client.serverPings() == 1);
            assertThat(stdout.receivedBytes()).as("what the server sent before it waited").hasSize(64 * 1024);
            client.releaseGrants();

            assertThat(sha256(stdout.readAllBytes())).isEqualTo(sha256("out:", input));
            assertThat(stderr.readAll()).isEmpty();
            assertThat(error.readAll()).contains("\"message\":\"3\"");
            assertThat(client.windowViolations()).as("frames beyond the client's window").isZero();
            assertThat(client.grantsReceived()).as("the server granted its windows").isPositive();
            client.awaitClosed();
            assertThat(client.failure()).isNull();
        }
    }

    @Test
    void exec_clientIgnoringFlowControl_likeSpdystream_megabytesBothWays() throws Exception {
        byte[] input = asciiInput(2);
        try (SpdyTestClient client = SpdyTestClient.connect(execUrl(true), List.of(Protocols.V4))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            client.open("stderr");
            stdin.write(input);
            stdin.closeWrite();

            assertThat(sha256(stdout.readAllBytes())).isEqualTo(sha256("out:", input));
            assertThat(error.readAll()).contains("\"message\":\"3\"");
        }
    }

    /** 3 MiB of printable text (the fake command reads its input as UTF-8). */
    private static byte[] asciiInput(long seed) {
        byte[] random = new byte[(3 << 20) / 4 * 3];
        new java.util.Random(seed).nextBytes(random);
        return java.util.Base64.getEncoder().encode(random);
    }

    private static String sha256(byte[] data) throws Exception {
        return sha256("", data);
    }

    private static String sha256(String prefix, byte[] data) throws Exception {
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        digest.update(prefix.getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest.digest(data));
    }

    @Test
    void exec_clientKeepsSendingAsTheCommandEnds_connectionEndsWithoutReset() throws Exception {
        runtime.execStarts(command -> ScriptedExecProcess.exited(new ExecResult(0, new byte[0], new byte[0])));
        String chunk = "x".repeat(16 * 1024);
        for (int session = 0; session < 20; session++) {
            try (SpdyTestClient client = SpdyTestClient.connect(execUrl(true), List.of(Protocols.V4))) {
                client.open("error");
                var stdin = client.open("stdin");
                client.open("stdout");
                client.open("stderr");
                // Until the server's end of stream: input it no longer reads meets its close.
                while (client.isOpen()) {
                    try {
                        stdin.write(chunk);
                    } catch (Exception e) {
                        break;
                    }
                }
                client.awaitClosed();
                assertThat(client.failure()).withFailMessage("session %d ended with %s", session, client.failure()).isNull();
            }
        }
    }

    @Test
    void portForward_pairsOfStreams_areForwardedAndFailuresReported() throws Exception {
        runtime.portForwardConnects(port -> port == 80
                ? new ScriptedExecProcess(in -> new ExecResult(0,
                        ("pong:" + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                        new byte[0]))
                : ScriptedExecProcess.exited(new ExecResult(1, new byte[0],
                        "Connection refused".getBytes(StandardCharsets.UTF_8))));
        String url = server.portForward(dev.berth.cri.v1.PortForwardRequest.newBuilder().setPodSandboxId(POD)
                .addPort(80).build());
        assertThat(url).contains("/portforward/");

        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of("portforward.k8s.io"))) {
            assertThat(client.upgrade().protocol()).isEqualTo("portforward.k8s.io");
            var error = client.open(java.util.Map.of("streamtype", "error", "port", "80", "requestid", "0"));
            var data = client.open(java.util.Map.of("streamtype", "data", "port", "80", "requestid", "0"));
            var refusedError = client.open(java.util.Map.of("streamtype", "error", "port", "81", "requestid", "1"));
            var refusedData = client.open(java.util.Map.of("streamtype", "data", "port", "81", "requestid", "1"));
            data.write("ping");
            data.closeWrite();

            assertThat(data.readAll()).isEqualTo("pong:ping");
            assertThat(error.readAll()).isEmpty();
            assertThat(refusedError.readAll())
                    .isEqualTo("error forwarding port 81 to pod " + POD + ", uid : Connection refused");
            assertThat(refusedData.readAll()).isEmpty();
            assertThat(client.isOpen()).as("the connection serves further requests").isTrue();
        }
        assertThat(fakes.log().mutations()).containsExactly("runtime.portForward(" + POD + ", 80)",
                "runtime.portForward(" + POD + ", 81)");
    }

    @Test
    void attach_v4_copiesStreamsAndReportsSuccess() throws Exception {
        String url = server.attach(dev.berth.cri.v1.AttachRequest.newBuilder().setContainerId(RUNNING)
                .setStdin(true).setStdout(true).setStderr(true).build());
        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of(Protocols.V4))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");
            stdin.write("typed\n");
            stdin.closeWrite();

            assertThat(stdout.readAll()).isEqualTo("out:typed\n");
            assertThat(stderr.readAll()).isEqualTo("err\n");
            // The session reports how the runtime's process ended; a real attachment always ends with 0.
            assertThat(error.readAll()).contains("\"reason\":\"NonZeroExitCode\"");
        }
        assertThat(fakes.log().mutations()).containsExactly("runtime.attach(" + RUNNING + ")");
    }

    @Test
    void connect_execProtocolOnPortForward_isForbidden() throws Exception {
        String url = server.portForward(dev.berth.cri.v1.PortForwardRequest.newBuilder().setPodSandboxId(POD)
                .build());
        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of(Protocols.V4))) {
            assertThat(client.upgrade().status()).isEqualTo(403);
            assertThat(client.upgrade().accepted()).containsExactly("portforward.k8s.io");
        }
    }

    @Test
    void exec_v4WithTty_sizesFromTheResizeStreamReachTheProcess() throws Exception {
        String url = server.exec(ExecRequest.newBuilder().setContainerId(RUNNING).addCmd("sh").setTty(true)
                .setStdin(true).setStdout(true).build());
        try (SpdyTestClient client = SpdyTestClient.connect(url, List.of(Protocols.V4))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var resize = client.open("resize");
            resize.write("{\"Width\":80,\"Height\":24}{\"Width\":0,\"Height\":5}\n{\"Width\":123,\"Height\":45}");
            ScriptedExecProcess process = PollUntil.nonNull(started::get);
            PollUntil.isTrue(() -> process.resizes().size() == 2);
            stdin.closeWrite();

            assertThat(process.resizes()).as("sizes without width or height are dropped")
                    .containsExactly("80x24", "123x45");
            assertThat(stdout.readAll()).isEqualTo("out:");
            assertThat(error.readAll()).contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}");
        }
        assertThat(fakes.log().mutations()).containsExactly("runtime.startExec(" + RUNNING + ", [sh], true)");
    }

    @Test
    void exec_clientDisconnectsEarly_commandIsKilled() throws Exception {
        runtime.execStarts(command -> {
            ScriptedExecProcess p = ScriptedExecProcess.hanging();
            started.set(p);
            return p;
        });
        try (SpdyTestClient client = SpdyTestClient.connect(execUrl(true), List.of(Protocols.V4))) {
            client.open("error");
            client.open("stdin");
            client.open("stdout");
            client.open("stderr");
        }
        ScriptedExecProcess process = PollUntil.nonNull(started::get);
        assertThat(process.waitFor()).isEqualTo(137);
        PollUntil.isTrue(process::closed);
    }
}

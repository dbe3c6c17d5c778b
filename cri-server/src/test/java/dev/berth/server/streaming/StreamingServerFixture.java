package dev.berth.server.streaming;

import dev.berth.cri.v1.ExecRequest;
import dev.berth.sandbox.ContainerState;
import dev.berth.sandbox.ExecResult;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeSandboxRuntime;
import dev.berth.server.fakes.Fakes;
import dev.berth.server.fakes.ScriptedExecProcess;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A streaming server over the fake runtime for the tests of both transports: one pod with a running container
 * whose exec prints "out:" and its input on stdout, "err" on stderr, and exits 3.
 */
abstract class StreamingServerFixture {

    static final String POD = "a1".repeat(32);
    static final String RUNNING = "c1".repeat(32);

    final Fakes fakes = Fakes.create();
    final FakeSandboxRuntime runtime = fakes.runtime();
    final AtomicReference<ScriptedExecProcess> started = new AtomicReference<>();
    StreamingServer server;

    @BeforeEach
    void start() throws Exception {
        runtime.addSandbox(POD, CriConfigs.pod("web"));
        runtime.addContainer(RUNNING, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        // Prints "out:" and its input on stdout, "err" on stderr, and exits 3.
        runtime.execStarts(command -> {
            ScriptedExecProcess p = new ScriptedExecProcess(in -> new ExecResult(3,
                    ("out:" + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                    "err\n".getBytes(StandardCharsets.UTF_8)));
            started.set(p);
            return p;
        });
        server = new StreamingServer("127.0.0.1:0", runtime);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String execUrl(boolean stdin) {
        return server.exec(ExecRequest.newBuilder().setContainerId(RUNNING).addCmd("sh").addCmd("-c")
                .addCmd("cat").setStdin(stdin).setStdout(true).setStderr(true).build());
    }
}

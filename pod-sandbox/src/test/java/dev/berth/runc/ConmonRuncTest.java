package dev.berth.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.Captured;
import dev.berth.host.CommandResult;
import dev.berth.host.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConmonRuncTest {

    private final List<List<String>> started = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private final CommandRunner recorder = new CommandRunner() {
        @Override
        public CommandResult run(List<String> argv, byte[] stdin, Duration timeout, Path workDir) {
            throw new AssertionError("not expected: " + argv);
        }

        @Override
        public Captured capture(List<String> argv, Duration timeout, int maxOutputBytes, Runnable onTimeout) {
            throw new AssertionError("not expected: " + argv);
        }

        @Override
        public Captured capture(List<String> argv, java.util.Map<String, String> env, byte[] stdin,
                                Duration timeout, int maxOutputBytes) {
            throw new AssertionError("not expected: " + argv);
        }

        @Override
        public Process start(List<String> argv, Path workDir) {
            started.add(argv);
            workDirs.add(workDir);
            return null;
        }
    };
    private final ConmonRunc runtime = new ConmonRunc(recorder, Path.of("/usr/sbin/runc"), Path.of("/run/b/runc"),
            Path.of("/usr/bin/conmon"), Path.of("/run/b/exits"), Path.of("/run/b/sock"));

    @Test
    void conmonArgs_plainContainer_noTerminalNoStdin() {
        List<String> argv = runtime.conmonArgs(new OciRuntime.Launch("c1", "n", Path.of("/b"), Path.of("/l")));

        assertThat(argv).doesNotContain("--terminal", "--stdin", "--leave-stdin-open");
    }

    @Test
    void conmonArgs_anyContainer_runcUsesBerthsOwnRoot() {
        List<String> argv = runtime.conmonArgs(new OciRuntime.Launch("c1", "n", Path.of("/b"), Path.of("/l")));

        assertThat(String.join(" ", argv)).contains("--runtime-arg --root=/run/b/runc");
    }

    @Test
    void rootOf_containerUnknownEverywhere_isBerthsOwn() {
        assertThat(runtime.rootOf("no-such-container-" + System.nanoTime())).isEqualTo(Path.of("/run/b/runc"));
    }

    @Test
    void conmonArgs_ttyAndStdin_passedToConmon() {
        List<String> argv = runtime.conmonArgs(new OciRuntime.Launch("c1", "n", Path.of("/b"), Path.of("/l"),
                true, true, true));

        assertThat(argv).contains("--terminal", "--stdin", "--leave-stdin-open");
    }

    @Test
    void conmonArgs_stdinOnce_closesStdinWhenTheClientDetaches() {
        List<String> argv = runtime.conmonArgs(new OciRuntime.Launch("c1", "n", Path.of("/b"), Path.of("/l"),
                false, true, false));

        assertThat(argv).contains("--stdin").doesNotContain("--leave-stdin-open", "--terminal");
    }

    @Test
    void startExec_withoutTerminal_runcExecWithPipes() {
        runtime.startExec("c1", Path.of("/b/exec-1.json"), Path.of("/b/exec-1.pid"));

        assertThat(started).containsExactly(List.of("/usr/sbin/runc", "--root", "/run/b/runc", "exec", "--process",
                "/b/exec-1.json", "--pid-file", "/b/exec-1.pid", "c1"));
        assertThat(workDirs).containsExactly((Path) null);
    }

    @Test
    void conmonExecArgs_withTerminal_conmonOfItsOwnRelaysRunc_withoutExitFileOrSocketLink() {
        List<String> argv = runtime.conmonExecArgs("c1", Path.of("/b/exec-1/process.json"), Path.of("/b/exec-1"));

        assertThat(String.join(" ", argv)).isEqualTo("/usr/bin/conmon --api-version 1 --sync --exec --exec-attach"
                + " --exec-process-spec /b/exec-1/process.json --terminal -c c1 -u exec-1 -r /usr/sbin/runc"
                + " --runtime-arg --root=/run/b/runc --runtime-arg --log-format=json -b /b/exec-1 -p /b/exec-1/pid"
                + " -l none --full-attach");
        assertThat(argv).as("the exit dir is the containers'").doesNotContain("--exit-dir", "/run/b/exits");
    }

    @Test
    void resizeMessage_isConmonsWindowResizeLine_heightFirst() {
        assertThat(ConmonRunc.resizeMessage(123, 45)).isEqualTo("1 45 123\n");
    }

    @Test
    void resizeTerminal_monitorNotRunning_refusedWithoutTouchingTheFifo(@TempDir Path bundle) {
        assertThatThrownBy(() -> runtime.resizeTerminal("c1", bundle, 80, 24))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("monitor of container c1");
        assertThat(bundle.resolve("ctl")).doesNotExist();
    }

    @Test
    void attachSocket_isUnderTheSocketDirByContainerId() {
        assertThat(runtime.attachSocket("c1")).isEqualTo(Path.of("/run/b/sock/c1/attach"));
    }
}

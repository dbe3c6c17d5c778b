package dev.berth.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.CommandException;
import dev.berth.host.Json;
import dev.berth.host.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversation with an exec's conmon, against scripted conmons run through the real process seam: each reads
 * its start pipe on descriptor 3 and answers on descriptor 4 as conmon 2.1 does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConmonExecTest {

    /** Waits for the first start, makes the control fifo (held open as conmon does) and reports it listens. */
    private static final String LISTEN = """
            #!/bin/sh
            dd bs=1 count=1 <&3 >/dev/null 2>&1
            mkfifo ctl && exec 5<>ctl
            echo '{"data": 0}' >&4
            dd bs=1 count=1 <&3 >/dev/null 2>&1
            """;

    @TempDir
    Path dir;

    private ConmonExec start(String script) throws IOException {
        Path conmon = dir.resolve("conmon");
        Files.writeString(conmon, script);
        Files.setPosixFilePermissions(conmon, PosixFilePermissions.fromString("rwx------"));
        return ConmonExec.start(new ProcessRunner(), List.of(conmon.toString(), "--exec"), dir);
    }

    @Test
    void waitFor_commandRanAndExited_itsExitCodeFromTheSyncPipe_andResizesReachTheControlFifo() throws Exception {
        try (ConmonExec exec = start(LISTEN + """
                echo "{\\"data\\": $$}" >&4
                read line <&5
                echo "$line" > resized
                echo '{"data": 7}' >&4
                """)) {
            assertThat(exec.attachSocket()).isEqualTo(dir.resolve("attach"));
            exec.run();
            exec.resize(80, 24);

            assertThat(exec.waitFor()).isEqualTo(7);
            assertThat(Files.readString(dir.resolve("resized"))).isEqualTo("1 24 80\n");
        }
    }

    @Test
    void run_runcCannotFindTheExecutable_badExecutableWithRuncsReason() throws Exception {
        // conmon passes on what runc wrote to its standard error: one JSON log line per message.
        String runcLine = Json.MAPPER.writeValueAsString(Map.of("level", "error", "msg",
                "exec failed: unable to start container process: exec: \"nope\": executable file not found in $PATH"));
        Files.writeString(dir.resolve("failure"),
                Json.MAPPER.writeValueAsString(Map.of("data", -1, "message", runcLine + "\n")) + "\n");
        try (ConmonExec exec = start(LISTEN + """
                cat failure >&4
                exit 1
                """)) {
            assertThatThrownBy(exec::run).isInstanceOfSatisfying(BadExecutableException.class, e -> {
                assertThat(e.executable()).isEqualTo("nope");
                assertThat(e.reason()).isEqualTo("executable file not found in $PATH");
                assertThat(e.getMessage()).endsWith("(conmon: runc exec failed)");
            });
        }
    }

    @Test
    void start_conmonEndsAtOnce_failsWithItsExitCodeAndReason() {
        assertThatThrownBy(() -> start("""
                #!/bin/sh
                echo "conmon: Runtime path /nope is not valid" >&2
                exit 1
                """)).isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(1);
                    assertThat(e.getMessage()).isEqualTo(
                            "conmon: Runtime path /nope is not valid (conmon: conmon ended before listening)");
                });
    }

    @Test
    void close_beforeTheCommandStarted_endsConmon() throws Exception {
        ConmonExec exec = start(LISTEN + "sleep 600\n");

        exec.close();

        assertThat(exec.isAlive()).isFalse();
    }

    @Test
    void kill_runningCommand_conmonReportsItKilled() throws Exception {
        // The scripted conmon runs its "command" as a child and reports how it ended, as conmon reaps runc's.
        try (ConmonExec exec = start(LISTEN + """
                sleep 600 &
                echo "{\\"data\\": $!}" >&4
                wait $!
                echo "{\\"data\\": $?}" >&4
                """)) {
            exec.run();

            exec.kill();

            assertThat(exec.waitFor()).isEqualTo(137);
        }
    }
}

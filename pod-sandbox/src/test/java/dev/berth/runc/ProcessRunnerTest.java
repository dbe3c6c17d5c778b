package dev.berth.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {

    private final ProcessRunner runner = new ProcessRunner();

    @Test
    void run_success_capturesStdoutAndStdin() {
        CommandResult r = runner.run(List.of("cat"), "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hi");
    }

    @Test
    void run_nonZeroExit_throwsWithCommandCodeAndStderr() {
        assertThatThrownBy(() -> runner.run(List.of("sh", "-c", "echo oops >&2; exit 3"), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(3);
                    assertThat(e.stderr()).isEqualTo("oops\n");
                    assertThat(e.command()).containsExactly("sh", "-c", "echo oops >&2; exit 3");
                });
    }

    @Test
    void run_exceedsDeadline_throwsTimedOut() {
        assertThatThrownBy(() -> runner.run(List.of("sleep", "10"), Duration.ofMillis(200)))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("timed out");
                });
    }

    @Test
    void run_missingProgram_throwsCannotStart() {
        assertThatThrownBy(() -> runner.run(List.of("/nonexistent/prog"), Duration.ofSeconds(5)))
                .isInstanceOf(CommandException.class).hasMessageContaining("cannot start");
    }
}

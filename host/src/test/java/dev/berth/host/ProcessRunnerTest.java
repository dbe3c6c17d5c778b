package dev.berth.host;

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

    @Test
    void capture_timeoutWhoseCleanupEndsTheChild_programFinishesOnItsOwn() {
        // the shell outlives its sleep when the cleanup kills only the sleep, and says so
        String marker = "600." + System.nanoTime() % 1000;
        java.util.concurrent.atomic.AtomicBoolean cleaned = new java.util.concurrent.atomic.AtomicBoolean();
        Captured captured = runner.capture(List.of("sh", "-c", "sleep " + marker + "; echo after"),
                Duration.ofMillis(500), 1024, () -> ProcessHandle.current().descendants()
                        .filter(p -> p.info().commandLine().orElse("").endsWith("sleep " + marker))
                        .forEach(p -> cleaned.set(p.destroyForcibly())));

        assertThat(captured.timedOut()).isTrue();
        assertThat(cleaned).isTrue();
        assertThat(new String(captured.stdout())).isEqualTo("after\n");
    }

    @Test
    void capture_timeoutWithUselessCleanup_killsTheProgram() {
        long begin = System.nanoTime();
        Captured captured = runner.capture(List.of("sleep", "600"), Duration.ofMillis(200), 1024, () -> {
        });

        assertThat(captured.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(30));
    }
}

package dev.berth.runc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.host.CommandException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuncErrorsTest {

    private static CommandException failure(int code, String stderr) {
        return new CommandException(List.of("runc", "kill", "abc", "KILL"), code, stderr);
    }

    @Test
    void classify_containerNotRunning_returnsNotRunning() {
        assertThat(RuncErrors.classify(failure(1, "time=\"x\" level=error msg=\"container not running\"")))
                .isInstanceOf(ContainerNotRunningException.class);
    }

    @Test
    void classify_doesNotExist_returnsNotFound() {
        assertThat(RuncErrors.classify(failure(1, "level=error msg=\"container does not exist\"")))
                .isInstanceOf(ContainerNotFoundException.class);
    }

    @Test
    void classify_otherMessage_returnsSameException() {
        CommandException e = failure(1, "permission denied");
        assertThat(RuncErrors.classify(e)).isSameAs(e);
    }

    @Test
    void classify_typed_keepsCommandExitCodeAndStderr() {
        CommandException typed = RuncErrors.classify(failure(1, "container does not exist"));

        assertThat(typed.command()).containsExactly("runc", "kill", "abc", "KILL");
        assertThat(typed.exitCode()).isEqualTo(1);
        assertThat(typed.stderr()).isEqualTo("container does not exist");
        assertThat(typed.getMessage()).isEqualTo("container does not exist (runc: exit code 1)");
    }

    @Test
    void classify_timeout_returnsSameException() {
        CommandException e = new CommandException(List.of("runc"), -1, "does not exist", "timed out", null);
        assertThat(RuncErrors.classify(e)).isSameAs(e);
    }
}

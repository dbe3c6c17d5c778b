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

    @Test
    void classifyCreate_executableNotFound_namesItAndRuncsReason() {
        CommandException e = new CommandException(List.of("conmon"), 1, "runc create failed: unable to start"
                + " container process: exec: \"sl\": executable file not found in $PATH", "creation failed", null);

        assertThat(RuncErrors.classifyCreate(e)).isInstanceOfSatisfying(BadExecutableException.class, bad -> {
            assertThat(bad.executable()).isEqualTo("sl");
            assertThat(bad.reason()).isEqualTo("executable file not found in $PATH");
        });
    }

    @Test
    void classifyCreate_notExecutable_typed() {
        CommandException e = new CommandException(List.of("conmon"), 1,
                "runc create failed: unable to start container process: exec: \"/etc/passwd\": permission denied");

        assertThat(RuncErrors.classifyCreate(e)).isInstanceOfSatisfying(BadExecutableException.class,
                bad -> assertThat(bad.reason()).isEqualTo("permission denied"));
    }

    @Test
    void classifyCreate_otherFailure_returnsSameException() {
        CommandException e = new CommandException(List.of("conmon"), 1,
                "runc create failed: unable to start container process: error during container init: mount failed");

        assertThat(RuncErrors.classifyCreate(e)).isSameAs(e);
    }

    @Test
    void classify_memoryLimitBelowUsage_returnsMemoryLimitRefused() {
        CommandException e = failure(1, "time=\"x\" level=error msg=\"unable to set memory limit to 4096"
                + " (current usage: 360448, peak usage: 2527232)\"");

        assertThat(RuncErrors.classify(e)).isInstanceOf(MemoryLimitRefusedException.class);
    }

    @Test
    void classify_memoryLimitAboveMemorySwapLimit_returnsMemoryLimitRefused() {
        CommandException e = failure(1, "time=\"x\" level=error msg=\"failed to write \\\"355697239997149115\\\":"
                + " write /sys/fs/cgroup/memory/p/c/memory.limit_in_bytes: invalid argument\"");

        assertThat(RuncErrors.classify(e)).isInstanceOf(MemoryLimitRefusedException.class);
    }

    @Test
    void classifyCreate_workingDirCannotBeMade_namesThePath() {
        CommandException e = new CommandException(List.of("conmon"), 1, "runc create failed: unable to start"
                + " container process: error during container init: mkdir /proc/self/fd/0: not a directory");

        assertThat(RuncErrors.classifyCreate(e)).isInstanceOfSatisfying(BadWorkingDirException.class, bad -> {
            assertThat(bad.path()).isEqualTo("/proc/self/fd/0");
            assertThat(bad.reason()).isEqualTo("not a directory");
        });
    }
}

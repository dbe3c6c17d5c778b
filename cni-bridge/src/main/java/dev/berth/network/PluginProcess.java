package dev.berth.network;

import dev.berth.host.BerthException;
import dev.berth.host.Captured;
import dev.berth.host.CommandException;
import dev.berth.host.CommandRunner;
import dev.berth.host.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one plugin executable with its CNI environment and config on stdin, under a deadline, through the host's
 * process runner. Stateless and thread-safe.
 */
final class PluginProcess {

    /** What a finished plugin printed. */
    record Output(int exitCode, String stdout, String stderr) {
    }

    private static final int MAX_OUTPUT = 4 << 20;
    private static final CommandRunner RUNNER = new ProcessRunner();

    private PluginProcess() {
    }

    /**
     * Runs {@code executable} with exactly {@code env}; never throws for a non-zero exit (the caller
     * interprets it) but throws {@link BerthException} when it cannot start or misses the deadline, in which
     * case it and what it started are killed.
     */
    static Output run(Path executable, Map<String, String> env, String stdin, Duration deadline, String what) {
        Captured out;
        try {
            out = RUNNER.capture(List.of(executable.toString()), env, stdin.getBytes(StandardCharsets.UTF_8),
                    deadline, MAX_OUTPUT);
        } catch (CommandException e) {
            throw BerthException.failed(what + ": cannot run " + executable + ": " + e.getMessage(), e);
        }
        String stderr = new String(out.stderr(), StandardCharsets.UTF_8);
        if (out.timedOut()) {
            throw BerthException.failed(what + ": " + executable + " did not finish within " + deadline.toSeconds() + " s"
                            + stderrSuffix(stderr));
        }
        return new Output(out.exitCode(), new String(out.stdout(), StandardCharsets.UTF_8), stderr);
    }

    static String stderrSuffix(String stderr) {
        String trimmed = stderr.strip();
        return trimmed.isEmpty() ? "" : "; stderr: " + trimmed;
    }
}

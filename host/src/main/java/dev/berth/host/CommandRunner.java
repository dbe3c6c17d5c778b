package dev.berth.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one seam through which Berth runs external programs (runc, conmon, CNI plugins, mount, unshare).
 *
 * <p>Implementations must be thread-safe.
 */
public interface CommandRunner {

    /**
     * Runs {@code argv} to completion within {@code timeout} and returns its output.
     *
     * @param stdin bytes to feed the program, or null for none
     * @throws CommandException when the program exits non-zero, cannot start or exceeds the timeout
     */
    default CommandResult run(List<String> argv, byte[] stdin, Duration timeout) {
        return run(argv, stdin, timeout, null);
    }

    /**
     * Runs {@code argv} in {@code workDir} (null: the daemon's own) to completion within {@code timeout}.
     *
     * @throws CommandException when the program exits non-zero, cannot start or exceeds the timeout
     */
    CommandResult run(List<String> argv, byte[] stdin, Duration timeout, Path workDir);

    /**
     * Runs {@code argv} without input and returns its exit code and output, keeping at most
     * {@code maxOutputBytes} of each stream; a non-zero exit is a result here, not an error. A program still
     * running at {@code timeout} is killed and reported with {@link Captured#timedOut()}.
     *
     * @throws CommandException when the program cannot start
     */
    default Captured capture(List<String> argv, Duration timeout, int maxOutputBytes) {
        return capture(argv, timeout, maxOutputBytes, () -> {
        });
    }

    /**
     * Like {@link #capture(List, Duration, int)}, but at {@code timeout} first runs {@code onTimeout} (which may
     * end what the program started, so that the program itself exits and reaps it) and kills the program only
     * if it is still running a moment later.
     */
    Captured capture(List<String> argv, Duration timeout, int maxOutputBytes, Runnable onTimeout);

    /**
     * Runs {@code argv} with exactly the environment {@code env} (nothing inherited) and {@code stdin} as its
     * input, as {@link #capture(List, Duration, int)} does otherwise.
     *
     * @throws CommandException when the program cannot start
     */
    Captured capture(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout,
                     int maxOutputBytes);

    /**
     * Starts {@code argv} in {@code workDir} (null: the daemon's own) and returns at once; the caller owns the
     * process. Its standard streams are pipes.
     *
     * @throws CommandException when the program cannot start
     */
    Process start(List<String> argv, Path workDir);

    /** Runs {@code argv} without input. */
    default CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }
}

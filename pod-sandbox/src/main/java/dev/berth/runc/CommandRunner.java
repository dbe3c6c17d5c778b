package dev.berth.runc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The one seam through which Berth runs external programs (runc, conmon, mount, unshare).
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

    /** Runs {@code argv} without input. */
    default CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }
}

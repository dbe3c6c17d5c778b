package dev.berth.runc;

/** A container's exit as conmon recorded it: the exit code and the exit file's mtime in Unix nanoseconds. */
public record ExitStatus(int exitCode, long finishedAtNanos) {
}

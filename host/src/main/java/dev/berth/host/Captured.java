package dev.berth.host;

/**
 * What a program printed and how it ended, whatever its exit code. {@code timedOut} means it was killed at
 * its deadline; the exit code is then meaningless. Output beyond the caller's limit is cut off.
 */
public record Captured(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
}

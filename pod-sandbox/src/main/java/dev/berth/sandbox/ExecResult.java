package dev.berth.sandbox;

/** The outcome of a command run in a container: its exit code and what it printed. Immutable. */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr) {
}

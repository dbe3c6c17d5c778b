package dev.berth.host;

/** What a finished program printed; never null fields. Immutable. */
public record CommandResult(int exitCode, String stdout, String stderr) {
}

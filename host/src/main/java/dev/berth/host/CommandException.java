package dev.berth.host;

import java.util.List;

/**
 * A program run through {@link CommandRunner} failed. Carries the command line, the exit code ({@code -1} when the
 * program could not start or timed out) and its standard error. Immutable.
 */
public class CommandException extends RuntimeException {

    private final List<String> command;
    private final int exitCode;
    private final String stderr;

    public CommandException(List<String> command, int exitCode, String stderr, String detail, Throwable cause) {
        super(String.join(" ", command) + ": " + detail + (stderr.isBlank() ? "" : ": " + stderr.strip()), cause);
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    public CommandException(List<String> command, int exitCode, String stderr) {
        this(command, exitCode, stderr, "exit code " + exitCode, null);
    }

    /** Copy constructor for the typed subclasses. */
    protected CommandException(CommandException other) {
        super(other.getMessage(), other.getCause());
        this.command = other.command;
        this.exitCode = other.exitCode;
        this.stderr = other.stderr;
    }

    public List<String> command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}

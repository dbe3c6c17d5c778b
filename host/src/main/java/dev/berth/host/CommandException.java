package dev.berth.host;

import java.util.List;

/**
 * A program run through {@link CommandRunner} failed. The message is what a user needs first: the program's own
 * reason (the last line of its standard error, or what happened to it), then which program and its exit code.
 * The whole command line, which can run to a kilobyte for conmon, is kept in {@link #command()} for the debug log.
 * Immutable.
 */
public class CommandException extends BerthException.Failed {

    private final List<String> command;
    private final int exitCode;
    private final String stderr;

    /**
     * @param exitCode {@code -1} when the program could not start or timed out
     * @param detail   what happened when {@code stderr} says nothing, e.g. "timed out after PT30S"
     */
    public CommandException(List<String> command, int exitCode, String stderr, String detail, Throwable cause) {
        super(message(command, exitCode, stderr, detail), cause);
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

    private static String message(List<String> command, int exitCode, String stderr, String detail) {
        String program = command.isEmpty() ? "program" : java.nio.file.Path.of(command.get(0)).getFileName()
                .toString();
        String reason = lastLine(stderr);
        return reason.isEmpty() ? program + ": " + detail : reason + " (" + program + ": " + detail + ")";
    }

    /** The last non-blank line of a program's error output: where runc, conmon and plugins put their reason. */
    static String lastLine(String stderr) {
        String[] lines = stderr.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }

    /** The command line, for the debug log. */
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

package dev.berth.runc;

import dev.berth.host.CommandException;

/**
 * runc could not create a container because its executable cannot be run: not found on the PATH, missing, a
 * directory, or not executable. The container's command names it, so the caller can fix it. Immutable.
 */
public final class BadExecutableException extends CommandException {

    private final String executable;
    private final String reason;

    BadExecutableException(CommandException cause, String executable, String reason) {
        super(cause);
        this.executable = executable;
        this.reason = reason;
    }

    /** The program as the process args name it, e.g. {@code sl} or {@code /bin/app}. */
    public String executable() {
        return executable;
    }

    /** runc's reason, e.g. {@code executable file not found in $PATH}. */
    public String reason() {
        return reason;
    }
}

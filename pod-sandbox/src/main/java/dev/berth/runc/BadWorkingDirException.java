package dev.berth.runc;

import dev.berth.host.CommandException;

/**
 * runc could not create a container because its init could not make the process's working directory inside it,
 * e.g. because a file of the image or a file of /proc is in the way. Immutable.
 */
public final class BadWorkingDirException extends CommandException {

    private final String path;
    private final String reason;

    BadWorkingDirException(CommandException cause, String path, String reason) {
        super(cause);
        this.path = path;
        this.reason = reason;
    }

    /** The directory runc's init tried to make, as the container sees it. */
    public String path() {
        return path;
    }

    /** The kernel's reason, e.g. {@code not a directory}. */
    public String reason() {
        return reason;
    }
}

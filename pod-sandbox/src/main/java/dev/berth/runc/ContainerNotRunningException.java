package dev.berth.runc;

import dev.berth.host.CommandException;

/** runc refused because the container is not running (a kill of an exited container). */
public final class ContainerNotRunningException extends CommandException {
    public ContainerNotRunningException(CommandException cause) {
        super(cause);
    }
}

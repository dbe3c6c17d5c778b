package dev.berth.runc;

import dev.berth.host.CommandException;

/** runc does not know the container ("does not exist"). */
public final class ContainerNotFoundException extends CommandException {
    public ContainerNotFoundException(CommandException cause) {
        super(cause);
    }
}

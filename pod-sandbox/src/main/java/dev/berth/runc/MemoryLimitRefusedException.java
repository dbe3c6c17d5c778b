package dev.berth.runc;

import dev.berth.host.CommandException;

/**
 * The kernel refused a container's new memory limit for the state the container is in: below what it uses now
 * (and cannot reclaim), or above the memory+swap limit it has now. The limit itself is valid. Immutable.
 */
public final class MemoryLimitRefusedException extends CommandException {
    MemoryLimitRefusedException(CommandException cause) {
        super(cause);
    }
}

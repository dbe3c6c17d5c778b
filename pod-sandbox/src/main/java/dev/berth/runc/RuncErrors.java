package dev.berth.runc;

import dev.berth.host.CommandException;
import java.util.Locale;

/** Turns runc's known error messages into typed exceptions. Stateless. */
final class RuncErrors {

    private RuncErrors() {
    }

    static CommandException classify(CommandException e) {
        if (e.exitCode() < 0) {
            return e;
        }
        String text = e.stderr().toLowerCase(Locale.ROOT);
        if (text.contains("container not running") || text.contains("process already finished")
                || text.contains("container is not running")) {
            return new ContainerNotRunningException(e);
        }
        if (text.contains("does not exist") || text.contains("not exist")) {
            return new ContainerNotFoundException(e);
        }
        return e;
    }
}

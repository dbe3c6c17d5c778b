package dev.berth.runc;

import dev.berth.host.CommandException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns runc's known error messages into typed exceptions. Stateless. */
final class RuncErrors {

    /** runc's create error when the process's executable cannot be run: {@code exec: "sl": <reason>}. */
    private static final Pattern BAD_EXECUTABLE = Pattern.compile("exec: \"((?:[^\"\\\\]|\\\\.)*)\": (.+)$");

    /**
     * runc's create error when its init cannot make the working directory: the only directory init makes by a
     * bare {@code mkdir} (mount points fail as "error mounting ...").
     */
    private static final Pattern BAD_WORKING_DIR =
            Pattern.compile("error during container init: mkdir (.+): ([^:]+)$");

    private RuncErrors() {
    }

    /** A failed create: typed when runc names the executable or working directory as the cause, else {@code e}. */
    static CommandException classifyCreate(CommandException e) {
        Matcher m = BAD_EXECUTABLE.matcher(e.stderr().strip());
        if (m.find()) {
            // the name stays as runc quoted it, control characters escaped
            return new BadExecutableException(e, m.group(1), m.group(2));
        }
        m = BAD_WORKING_DIR.matcher(e.stderr().strip());
        if (m.find()) {
            return new BadWorkingDirException(e, m.group(1), m.group(2));
        }
        return e;
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
        // cgroup v1 keeps memory.limit_in_bytes between the usage and memory.memsw.limit_in_bytes
        if ((text.contains("unable to set memory limit") && text.contains("current usage"))
                || (text.contains("memory.limit_in_bytes") && text.contains("invalid argument"))) {
            return new MemoryLimitRefusedException(e);
        }
        if (text.contains("does not exist") || text.contains("not exist")) {
            return new ContainerNotFoundException(e);
        }
        return e;
    }
}

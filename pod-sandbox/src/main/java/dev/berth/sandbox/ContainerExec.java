package dev.berth.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.host.BerthException;
import dev.berth.host.Captured;
import dev.berth.host.FileTrees;
import dev.berth.host.PrivateFiles;
import dev.berth.runc.OciRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Runs a command in a running container, as ExecSync and the streaming Exec need: the container's own process
 * settings (user, env, cwd, capabilities, no-new-privileges) with other arguments, and a terminal only when the
 * streaming Exec asks for one. Thread-safe; runs without the container's lock, so a long probe never blocks a
 * stop.
 */
final class ContainerExec {

    /** kubelet reads at most this much of each stream; more is cut off rather than held in memory. */
    static final int MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
    /** The CRI's timeout of 0 means none; a day stands in for that. */
    private static final Duration NO_TIMEOUT = Duration.ofDays(1);

    private final Env env;

    ContainerExec(Env env) {
        this.env = env;
    }

    ExecResult run(ContainerRecord container, List<String> command, long timeoutSeconds) {
        checkRunnable(container, command);
        Path bundle = Path.of(container.bundle());
        Path spec = bundle.resolve("exec-" + UUID.randomUUID() + ".json");
        Duration timeout = timeoutSeconds > 0 ? Processes.timeout(timeoutSeconds) : NO_TIMEOUT;
        try {
            PrivateFiles.write(spec, env.json().writeValueAsBytes(processSpec(bundle, command)));
            Captured result = env.oci().exec(container.id(), spec, timeout, MAX_OUTPUT_BYTES);
            if (result.timedOut()) {
                throw BerthException.deadlineExceeded("command " + command + " timed out after " + timeoutSeconds + " s");
            }
            return new ExecResult(result.exitCode(), result.stdout(), result.stderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(spec);
            } catch (IOException ignored) {
                // the bundle goes with the container
            }
        }
    }

    /**
     * Starts {@code command} in the container and returns at once: with pipes for its streams, or with a
     * terminal when {@code tty}. The caller closes the returned process, which removes what was made for it.
     */
    ExecProcess start(ContainerRecord container, List<String> command, boolean tty) {
        checkRunnable(container, command);
        Path bundle = Path.of(container.bundle());
        String name = "exec-" + UUID.randomUUID();
        if (tty) {
            return startWithTerminal(container.id(), bundle, command, bundle.resolve(name));
        }
        Path spec = bundle.resolve(name + ".json");
        Path pidFile = bundle.resolve(name + ".pid");
        try {
            PrivateFiles.write(spec, env.json().writeValueAsBytes(processSpec(bundle, command)));
            return new RuncExecProcess(env.oci().startExec(container.id(), spec, pidFile), spec, pidFile);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(spec);
            } catch (IOException ignored) {
                // the bundle goes with the container
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * The command's terminal is made by runc in the container and relayed by a monitor of the command's own
     * from its attach socket, which is connected to before the command starts so that none of its output is
     * missed. Everything of it lives in {@code dir}.
     */
    private ExecProcess startWithTerminal(String id, Path bundle, List<String> command, Path dir) {
        OciRuntime.TerminalExec exec = null;
        AttachedProcess streams = null;
        try {
            PrivateFiles.createDirectories(dir);
            Path spec = dir.resolve("process.json");
            ObjectNode process = processSpec(bundle, command).put("terminal", true);
            PrivateFiles.write(spec, env.json().writeValueAsBytes(process));
            exec = env.oci().startExecWithTerminal(id, spec, dir);
            // closing the client's input ends the terminal's; the monitor's control pipe takes resizes
            streams = AttachedProcess.connect(exec.attachSocket(), true, null);
            exec.run();
            return new TerminalExecProcess(exec, streams, dir);
        } catch (IOException | RuntimeException e) {
            if (streams != null) {
                streams.close();
            }
            if (exec != null) {
                exec.close();
            }
            FileTrees.deleteRecursively(dir);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    private static void checkRunnable(ContainerRecord container, List<String> command) {
        if (command.isEmpty()) {
            throw BerthException.invalidArgument("cmd must not be empty");
        }
        ContainerOps.requireRunning(container);
    }

    /** The container's process from its config.json, with {@code command} as arguments and no terminal. */
    private ObjectNode processSpec(Path bundle, List<String> command) throws IOException {
        ObjectNode config = (ObjectNode) env.json().readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = ((ObjectNode) config.get("process")).deepCopy();
        ArrayNode args = process.putArray("args");
        command.forEach(args::add);
        process.put("terminal", false);
        process.remove("consoleSize");
        return process;
    }
}

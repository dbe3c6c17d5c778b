package dev.berth.runc;

import dev.berth.host.Captured;
import dev.berth.host.CommandException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The low-level container runtime: creates containers through a monitor process, starts, signals and deletes them.
 * Implementations are thread-safe; callers serialize operations on one container.
 */
public interface OciRuntime {

    /**
     * What is needed to create one container from a bundle whose config.json is already written: with
     * {@code terminal} the monitor gives the container a terminal (config.json must ask for one), with
     * {@code stdin} a pipe for input that attached clients write to, kept open when one detaches if
     * {@code leaveStdinOpen}.
     */
    record Launch(String id, String name, Path bundle, Path logPath, boolean terminal, boolean stdin,
                  boolean leaveStdinOpen) {
        /** A container without a terminal or input. */
        public Launch(String id, String name, Path bundle, Path logPath) {
            this(id, name, bundle, logPath, false, false, false);
        }
    }

    /**
     * The monitor's attach socket of the container: a unix SOCK_SEQPACKET socket where each packet of output
     * starts with the number of its stream (2 stdout, 3 stderr) and what is written reaches the container's
     * stdin (when created with {@code stdin}).
     */
    Path attachSocket(String id);

    /**
     * Creates the container (not yet started) and returns its init pid.
     *
     * @throws CommandException when creation fails; nothing of the container remains in runc then
     */
    long create(Launch launch);

    /** Runs the container's process. */
    void start(String id);

    /**
     * Sends {@code signal} (a name such as "SIGTERM" or "KILL", or a number) to the container's init process.
     *
     * @throws ContainerNotRunningException when it has already exited
     * @throws ContainerNotFoundException when runc does not know it
     */
    void kill(String id, String signal);

    /** Applies the OCI {@code linux.resources} in {@code resourcesJson} to the container's cgroup. */
    void update(String id, Path resourcesJson);

    /**
     * Runs one more process in the running container, described by the OCI process JSON in
     * {@code processSpec}, and waits for it. At {@code timeout} the process is killed.
     */
    Captured exec(String id, Path processSpec, Duration timeout, int maxOutputBytes);

    /**
     * Starts one more process in the running container, described by {@code processSpec} (without a terminal),
     * and returns without waiting: its standard streams are the pipes of the returned process, which writes the
     * pid of the process inside the container to {@code pidFile} and exits with that process's exit code.
     */
    Process startExec(String id, Path processSpec, Path pidFile);

    /**
     * Prepares one more process in the running container with a terminal ({@code terminal} set in
     * {@code processSpec}) under a monitor of its own, whose files go to the empty directory {@code dir}, and
     * returns once the monitor's attach socket listens; the process starts with {@link TerminalExec#run()}.
     *
     * @throws CommandException when the monitor cannot be started
     */
    TerminalExec startExecWithTerminal(String id, Path processSpec, Path dir);

    /**
     * A process run with a terminal by its own monitor. The monitor holds the container's side of the terminal
     * and relays its bytes unchanged on {@link #attachSocket()}, as a container's monitor does (stream number 2
     * for the output, the input written to the socket): nothing on the host translates them. Thread-safe.
     */
    interface TerminalExec extends AutoCloseable {

        /** The monitor's attach socket: connect before {@link #run()}, so that no output is missed. */
        Path attachSocket();

        /**
         * Lets the process start and waits until it runs.
         *
         * @throws CommandException when runc cannot start it (typed as runc's create errors are)
         */
        void run();

        /** Waits for the process to exit and returns its exit code (128 + signal when a signal ended it). */
        int waitFor() throws InterruptedException;

        boolean isAlive();

        /** Sets the terminal's size in characters; the process gets SIGWINCH. */
        void resize(int width, int height) throws IOException;

        /** Kills the process (SIGKILL), or the monitor when the process has not started; idempotent. */
        void kill();

        /** Kills the process if it still runs and waits for the monitor to exit. */
        @Override
        void close();
    }

    /**
     * Asks the container's monitor to close its log file and open it again at the same path (after the
     * old one was renamed by log rotation). Returns once the request is delivered.
     */
    void reopenLog(String id, Path bundle);

    /**
     * Asks the monitor of a container created with {@code terminal} to set its terminal's window size, in
     * characters; the container's foreground process gets SIGWINCH. Returns once the request is delivered.
     */
    void resizeTerminal(String id, Path bundle, int width, int height);

    /** Deletes the container from runc, killing it if needed; a container runc does not know is no error. */
    void delete(String id);

    /** The container's runc state, or empty when runc does not know it. */
    Optional<RuncState> state(String id);

    /** The container's recorded exit, empty while it has not exited (or its monitor died without recording it). */
    Optional<ExitStatus> exitStatus(String id);

    /** Whether the monitor process of the container in {@code bundle} is still alive. */
    boolean monitorAlive(String id, Path bundle);

    /** Removes what the runtime keeps outside the bundle (exit file, attach socket link). */
    void forget(String id);

    /**
     * What the runtime says it supports: the JSON of {@code runc features} (OCI runtime features, runc 1.1 on), or
     * empty when it has no such command or cannot say. Never fails.
     */
    Optional<String> features();
}

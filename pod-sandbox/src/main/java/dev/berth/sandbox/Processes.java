package dev.berth.sandbox;

import dev.berth.host.Poller;
import dev.berth.runc.ContainerNotFoundException;
import dev.berth.runc.ContainerNotRunningException;
import dev.berth.runc.ExitStatus;
import dev.berth.runc.OciRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Waiting for and tearing down runc containers (pod containers and infra alike). Stateless. */
final class Processes {

    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /**
     * The longest wait a CRI timeout asks for: int64 seconds reach far beyond what a deadline on the nanosecond
     * clock can hold, and a century is as good as forever for a container.
     */
    static final Duration LONGEST_WAIT = Duration.ofDays(36_500);

    /** A CRI timeout in seconds as a wait, at most {@link #LONGEST_WAIT}; {@code seconds} must not be negative. */
    static Duration timeout(long seconds) {
        return Duration.ofSeconds(Math.min(seconds, LONGEST_WAIT.toSeconds()));
    }

    private Processes() {
    }

    /** Sends a signal, treating "already exited" and "unknown to runc" as success; returns whether it was sent. */
    static boolean signal(OciRuntime oci, String id, String signal) {
        try {
            oci.kill(id, signal);
            return true;
        } catch (ContainerNotRunningException | ContainerNotFoundException e) {
            return false;
        }
    }

    /**
     * Waits up to {@code timeout} for the exit file. Gives up early when the monitor is gone without writing one,
     * since nothing else will write it.
     */
    static Optional<ExitStatus> awaitExit(OciRuntime oci, String id, Path bundle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Poller poller = new Poller();
        while (true) {
            Optional<ExitStatus> exit = oci.exitStatus(id);
            if (exit.isPresent()) {
                return exit;
            }
            if (!oci.monitorAlive(id, bundle)) {
                return oci.exitStatus(id);
            }
            if (System.nanoTime() - deadline >= 0) {
                return Optional.empty();
            }
            poller.pause();
        }
    }

    /** Waits until the monitor process has exited. */
    static boolean awaitMonitorGone(OciRuntime oci, String id, Path bundle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Poller poller = new Poller();
        while (oci.monitorAlive(id, bundle)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            poller.pause();
        }
        return true;
    }

    /** Kills the container if it still runs, deletes it from runc and waits for its monitor to go. Idempotent. */
    static void destroy(OciRuntime oci, String id, Path bundle) {
        if (oci.exitStatus(id).isEmpty() && signal(oci, id, "KILL")) {
            awaitExit(oci, id, bundle, KILL_WAIT);
        }
        oci.delete(id);
        if (!awaitMonitorGone(oci, id, bundle, KILL_WAIT)) {
            throw new IllegalStateException("monitor of container " + id + " did not exit");
        }
        oci.forget(id);
    }
}

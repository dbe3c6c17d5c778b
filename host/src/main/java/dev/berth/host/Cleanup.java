package dev.berth.host;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labelled undo steps collected while something is being made (a pod, a container, a rootfs), run in reverse when
 * making it fails: the one rollback of Berth, for the libraries and the CRI handlers alike. Use it as
 *
 * <pre>{@code
 * Cleanup undo = new Cleanup();
 * try {
 *     make(); undo.add("remove it", this::remove);
 *     ...
 *     undo.commit();
 * } catch (RuntimeException e) {
 *     throw undo.rollback(e);
 * }
 * }</pre>
 *
 * <p>Every step runs, even when an earlier one fails; their failures are attached to the original failure as
 * suppressed exceptions and logged once. The steps run on their own time, not the caller's: an interrupt of the
 * calling thread (a cancelled call) is held back while they run and restored after, so a half-made object is
 * always taken apart. Not thread-safe: one per operation.
 */
public final class Cleanup {

    private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);
    /** How long the steps of one rollback may take before that is worth a warning of its own. */
    static final Duration BUDGET = Duration.ofSeconds(60);

    /** One undo action. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private record Labelled(String label, Step step) {
    }

    private final Deque<Labelled> steps = new ArrayDeque<>();
    private boolean committed;

    /** Adds a step, to run before those added earlier. */
    public void add(String label, Step step) {
        steps.push(new Labelled(label, step));
    }

    /** The object is complete: the steps are dropped. */
    public void commit() {
        committed = true;
        steps.clear();
    }

    /**
     * Runs the steps, last added first, and returns {@code cause} with the failures of steps attached, for the
     * caller to rethrow. Does nothing after {@link #commit()}.
     */
    public <E extends Throwable> E rollback(E cause) {
        if (committed) {
            return cause;
        }
        boolean interrupted = Thread.interrupted();
        long start = System.nanoTime();
        List<String> failed = new ArrayList<>();
        try {
            while (!steps.isEmpty()) {
                Labelled l = steps.pop();
                try {
                    l.step().run();
                } catch (Exception e) {
                    failed.add(l.label() + ": " + e.getMessage());
                    if (e != cause) {
                        cause.addSuppressed(e);
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!failed.isEmpty()) {
            LOG.warn("undoing after \"{}\" left work undone: {}", cause.getMessage(), String.join("; ", failed));
        } else if (took.compareTo(BUDGET) > 0) {
            LOG.warn("undoing after \"{}\" took {} s", cause.getMessage(), took.toSeconds());
        }
        return cause;
    }
}

package dev.berth.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labelled undo steps collected while something is being created. If creation fails, {@link #close()} runs them in
 * reverse order; every step runs even when an earlier one fails. {@link #commit()} drops them on success.
 * Not thread-safe: one per operation.
 */
final class Rollback implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Rollback.class);

    /** One undo action. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private record Labelled(String label, Step step) {
    }

    private final Deque<Labelled> steps = new ArrayDeque<>();
    private boolean committed;

    void add(String label, Step step) {
        steps.push(new Labelled(label, step));
    }

    void commit() {
        committed = true;
        steps.clear();
    }

    /** Runs the remaining steps, last added first, unless committed. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        while (!steps.isEmpty()) {
            Labelled l = steps.pop();
            try {
                l.step().run();
            } catch (Exception e) {
                log.warn("rollback step '{}' failed: {}", l.label(), e.toString());
            }
        }
    }
}

package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupTest {

    @Test
    void rollback_notCommitted_runsStepsInReverseAndAttachesTheirFailures() {
        List<String> ran = new ArrayList<>();
        Cleanup undo = new Cleanup();
        undo.add("first", () -> ran.add("first"));
        undo.add("second", () -> {
            ran.add("second");
            throw new IllegalStateException("boom");
        });
        undo.add("third", () -> ran.add("third"));
        RuntimeException cause = new RuntimeException("runc create failed");

        RuntimeException thrown = undo.rollback(cause);

        assertThat(thrown).isSameAs(cause);
        assertThat(ran).containsExactly("third", "second", "first");
        assertThat(cause.getSuppressed()).singleElement().satisfies(e -> assertThat(e).hasMessage("boom"));
    }

    @Test
    void rollback_committed_runsNothing() {
        List<String> ran = new ArrayList<>();
        Cleanup undo = new Cleanup();
        undo.add("first", () -> ran.add("first"));
        undo.commit();

        undo.rollback(new RuntimeException("late"));

        assertThat(ran).isEmpty();
    }

    @Test
    void rollback_interruptedCaller_stepsRunUninterruptedAndTheInterruptStays() {
        List<Boolean> interruptedDuring = new ArrayList<>();
        Cleanup undo = new Cleanup();
        undo.add("wait", () -> {
            interruptedDuring.add(Thread.currentThread().isInterrupted());
            Thread.sleep(1);
        });
        Thread.currentThread().interrupt();

        RuntimeException cause = undo.rollback(new RuntimeException("cancelled"));

        assertThat(Thread.interrupted()).as("interrupt restored").isTrue();
        assertThat(interruptedDuring).containsExactly(false);
        assertThat(cause.getSuppressed()).isEmpty();
    }
}

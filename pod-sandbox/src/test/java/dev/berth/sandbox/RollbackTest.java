package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackTest {

    @Test
    void close_notCommitted_runsStepsInReverseEvenAfterAFailure() {
        List<String> ran = new ArrayList<>();
        try (Rollback undo = new Rollback()) {
            undo.add("first", () -> ran.add("first"));
            undo.add("second", () -> {
                ran.add("second");
                throw new IllegalStateException("boom");
            });
            undo.add("third", () -> ran.add("third"));
        }
        assertThat(ran).containsExactly("third", "second", "first");
    }

    @Test
    void close_committed_runsNothing() {
        List<String> ran = new ArrayList<>();
        try (Rollback undo = new Rollback()) {
            undo.add("first", () -> ran.add("first"));
            undo.commit();
        }
        assertThat(ran).isEmpty();
    }
}

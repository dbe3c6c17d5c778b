package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitWatcherTest {

    @TempDir
    Path exits;

    @Test
    void exitFileWritten_reportedByIdWellWithinTheSweepPeriod() throws Exception {
        List<String> exited = new CopyOnWriteArrayList<>();
        try (ExitWatcher watcher = new ExitWatcher(exits, exited::add, () -> {
        }, Duration.ofMinutes(1))) {
            long start = System.nanoTime();
            Files.writeString(exits.resolve("c1"), "0");

            awaitTrue(() -> exited.contains("c1"), Duration.ofSeconds(10));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void noFiles_sweepRunsPeriodically_andStopsWhenClosed() throws Exception {
        AtomicInteger sweeps = new AtomicInteger();
        ExitWatcher watcher = new ExitWatcher(exits, id -> {
        }, sweeps::incrementAndGet, Duration.ofMillis(20));
        awaitTrue(() -> sweeps.get() >= 3, Duration.ofSeconds(10));

        watcher.close();
        int after = sweeps.get();
        Thread.sleep(200);

        assertThat(sweeps.get()).as("no sweep after close").isLessThanOrEqualTo(after + 1);
    }

    @Test
    void failingCallback_keepsWatching() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ExitWatcher watcher = new ExitWatcher(exits, id -> {
            seen.add(id);
            throw new IllegalStateException("boom");
        }, () -> {
        }, Duration.ofMinutes(1))) {
            Files.writeString(exits.resolve("a"), "1");
            awaitTrue(() -> seen.contains("a"), Duration.ofSeconds(10));
            Files.writeString(exits.resolve("b"), "1");
            awaitTrue(() -> seen.contains("b"), Duration.ofSeconds(10));
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + timeout).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}

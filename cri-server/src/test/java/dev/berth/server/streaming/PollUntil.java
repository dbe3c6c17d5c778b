package dev.berth.server.streaming;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, for tests of asynchronous behaviour. */
final class PollUntil {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private PollUntil() {
    }

    static <T> T nonNull(Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        T value;
        while ((value = probe.get()) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing within " + TIMEOUT);
            }
            Thread.sleep(10);
        }
        return value;
    }

    static void isTrue(BooleanSupplier probe) throws InterruptedException {
        nonNull(() -> probe.getAsBoolean() ? Boolean.TRUE : null);
    }
}

package dev.berth.host;

/**
 * Sleeps between polls: every 2 ms for the first 200 ms, since most waits (runc creating a container, a
 * process exiting after a signal) end within tens of milliseconds and each poll is one stat; then backing
 * off to 100 ms for long waits. Not thread-safe; one per wait loop.
 */
public final class Poller {

    private static final long FAST_MILLIS = 2;
    private static final int FAST_POLLS = 100;
    private static final long SLOW_MILLIS = 100;

    private int polls;
    private long millis = FAST_MILLIS;

    /**
     * Polls {@code done} until it holds or {@code timeout} has passed; returns whether it held.
     *
     * @throws IllegalStateException when the thread is interrupted
     */
    public static boolean await(java.time.Duration timeout, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Poller poller = new Poller();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            poller.pause();
        }
        return true;
    }

    public void pause() {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
        if (++polls >= FAST_POLLS) {
            millis = Math.min(SLOW_MILLIS, millis * 2);
        }
    }
}

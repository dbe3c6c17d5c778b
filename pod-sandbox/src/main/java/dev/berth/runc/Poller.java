package dev.berth.runc;

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

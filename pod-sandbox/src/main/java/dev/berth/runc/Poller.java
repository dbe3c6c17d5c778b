package dev.berth.runc;

/** Sleeps between polls, starting short and backing off to 100 ms. Not thread-safe; one per wait loop. */
public final class Poller {

    private long millis = 10;

    public void pause() {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
        millis = Math.min(100, millis * 2);
    }
}

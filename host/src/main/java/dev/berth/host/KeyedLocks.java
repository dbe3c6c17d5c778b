package dev.berth.host;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One reentrant lock per key (a pod, container, image or blob id), so that changes to one object are serialized
 * while others proceed. A key's lock exists only while someone holds or waits for it, so the map never grows with
 * the objects that came and went. Thread-safe.
 */
public final class KeyedLocks {

    private final Map<String, Entry> locks = new HashMap<>();

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** A held lock, released by {@link #close()}. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for the lock of {@code key} and holds it until the result is closed. */
    public Held lock(String key) {
        Entry entry;
        synchronized (locks) {
            entry = locks.computeIfAbsent(key, k -> new Entry());
            entry.users++;
        }
        entry.lock.lock();
        return () -> {
            entry.lock.unlock();
            synchronized (locks) {
                if (--entry.users == 0) {
                    locks.remove(key);
                }
            }
        };
    }

    /** Runs {@code action} holding the lock of {@code key}. */
    public <T> T with(String key, Supplier<T> action) {
        try (Held held = lock(key)) {
            return action.get();
        }
    }

    public void with(String key, Runnable action) {
        try (Held held = lock(key)) {
            action.run();
        }
    }

    /** How many keys have a lock now: those held or waited for. */
    public int size() {
        synchronized (locks) {
            return locks.size();
        }
    }
}

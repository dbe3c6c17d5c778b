package dev.berth.image;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/** One reentrant lock per key, dropped when nobody holds or waits for it. Thread-safe. */
final class KeyedLocks {
    private final Map<String, Entry> locks = new HashMap<>();

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** A handle that releases the lock when closed. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held lock(String key) {
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

    int size() {
        synchronized (locks) {
            return locks.size();
        }
    }
}

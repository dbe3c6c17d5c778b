package dev.berth.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** One lock per id so lifecycle changes of one object are serialized while others proceed. Thread-safe. */
final class KeyedLocks {

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T with(String id, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    void with(String id, Runnable action) {
        with(id, () -> {
            action.run();
            return null;
        });
    }

    /** Forgets the lock of a removed object; a holder still inside keeps its own reference. */
    void forget(String id) {
        locks.remove(id);
    }
}

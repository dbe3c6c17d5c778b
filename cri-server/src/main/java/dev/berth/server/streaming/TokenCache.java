package dev.berth.server.streaming;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One-time tokens for pending stream requests: each token is random, valid for {@code ttl} and redeemable once.
 * At most {@code capacity} requests are pending; a full cache refuses new ones rather than dropping live
 * tokens. Thread-safe.
 */
final class TokenCache<T> {

    private record Entry<T>(T value, long expiresAtNanos) {
    }

    private final Duration ttl;
    private final int capacity;
    private final LongSupplier nanoTime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry<T>> entries = new LinkedHashMap<>();

    TokenCache(Duration ttl, int capacity, LongSupplier nanoTime) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
    }

    /**
     * Stores {@code value} and returns its token, URL-safe.
     *
     * @throws IllegalStateException when {@code capacity} unexpired requests are pending
     */
    synchronized String put(T value) {
        long now = nanoTime.getAsLong();
        evictExpired(now);
        if (entries.size() >= capacity) {
            throw new IllegalStateException("too many pending stream requests (" + capacity + ")");
        }
        String token;
        do {
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (entries.containsKey(token));
        entries.put(token, new Entry<>(value, now + ttl.toNanos()));
        return token;
    }

    /** The value of an unexpired token, removing it: a token is good for one connection only. */
    synchronized Optional<T> take(String token) {
        Entry<T> entry = entries.remove(token);
        if (entry == null || nanoTime.getAsLong() - entry.expiresAtNanos() >= 0) {
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    synchronized int size() {
        return entries.size();
    }

    /** Entries are in insertion order and share one ttl, so the expired ones are at the front. */
    private void evictExpired(long now) {
        Iterator<Entry<T>> it = entries.values().iterator();
        while (it.hasNext() && now - it.next().expiresAtNanos() >= 0) {
            it.remove();
        }
    }
}

package dev.berth.store;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unique names of pods and containers, reserved before anything is created so two requests for the same name
 * cannot both proceed. Thread-safe.
 */
public final class NameRegistry {

    /** The name is already held by another id. */
    public static final class NameTakenException extends RuntimeException {
        private final String holder;

        NameTakenException(String name, String holder) {
            super("name " + name + " is reserved for " + holder);
            this.holder = holder;
        }

        public String holder() {
            return holder;
        }
    }

    private final ConcurrentHashMap<String, String> byName = new ConcurrentHashMap<>();

    /**
     * Reserves {@code name} for {@code id}; reserving again for the same id is allowed.
     *
     * @throws NameTakenException when another id holds it
     */
    public void reserve(String name, String id) {
        String holder = byName.putIfAbsent(name, id);
        if (holder != null && !holder.equals(id)) {
            throw new NameTakenException(name, holder);
        }
    }

    /** Releases {@code name} if {@code id} holds it. */
    public void release(String name, String id) {
        byName.remove(name, id);
    }

    public Optional<String> holder(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}

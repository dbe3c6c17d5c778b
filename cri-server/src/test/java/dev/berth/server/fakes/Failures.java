package dev.berth.server.fakes;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The failure switches of one fake: which of its interface's methods throw, and what. Thread-safe. */
final class Failures {

    private final Class<?> api;
    private final Set<String> methods;
    private final Map<String, RuntimeException> byMethod = new ConcurrentHashMap<>();

    Failures(Class<?> api) {
        this.api = api;
        this.methods = Arrays.stream(api.getMethods()).map(java.lang.reflect.Method::getName)
                .collect(Collectors.toSet());
    }

    void failOn(String method, RuntimeException failure) {
        // A misspelt method would make a rollback test pass without ever failing anything.
        if (!methods.contains(method)) {
            throw new IllegalArgumentException(api.getSimpleName() + " has no method " + method);
        }
        byMethod.put(method, failure);
    }

    void clear() {
        byMethod.clear();
    }

    void check(String method) {
        RuntimeException failure = byMethod.get(method);
        if (failure != null) {
            throw failure;
        }
    }
}

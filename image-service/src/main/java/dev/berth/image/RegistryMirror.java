package dev.berth.image;

import java.util.List;
import java.util.Objects;

/**
 * Endpoints to try, in order, before the registry {@code host} itself; e.g. {@code "registry.k8s.io"}
 * served by {@code ["http://127.0.0.1:5000"]}. Plain {@code http://} endpoints are allowed here.
 *
 * <p>Immutable; {@code host} is non-null, {@code endpoints} is never null (null becomes empty).
 */
public record RegistryMirror(String host, List<String> endpoints) {
    public RegistryMirror {
        Objects.requireNonNull(host, "host");
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}

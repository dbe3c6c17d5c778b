package dev.berth.cgroups;

import java.util.Optional;

/** Creates and removes pod-level cgroups and reads their usage. Implementations are thread-safe. */
public interface Cgroups {

    /** Creates {@code path} (a cgroupfs path such as /berth/abc) in every hierarchy; existing dirs are kept. */
    void create(String path);

    /** Removes {@code path} from every hierarchy, waiting briefly for exiting tasks; absent dirs are no error. */
    void remove(String path);

    /** The names of the cgroups directly below {@code path}, in any hierarchy; empty when it does not exist. */
    java.util.Set<String> children(String path);

    /** Whether {@code path} exists in any hierarchy. */
    boolean exists(String path);

    /** The current usage of {@code path}; empty when it exists in no hierarchy (never made, or removed). */
    Optional<ResourceUsage> usage(String path);
}

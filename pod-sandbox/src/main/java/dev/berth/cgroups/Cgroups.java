package dev.berth.cgroups;

/** Creates and removes pod-level cgroups. Implementations are thread-safe. */
public interface Cgroups {

    /** Creates {@code path} (a cgroupfs path such as /berth/abc) in every hierarchy; existing dirs are kept. */
    void create(String path);

    /** Removes {@code path} from every hierarchy, waiting briefly for exiting tasks; absent dirs are no error. */
    void remove(String path);

    /** Whether {@code path} exists in any hierarchy. */
    boolean exists(String path);
}

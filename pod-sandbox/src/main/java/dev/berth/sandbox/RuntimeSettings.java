package dev.berth.sandbox;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the pod runtime keeps its files and which programs it runs.
 *
 * <p>{@code rootDir} holds persistent state (survives reboots), {@code stateDir} volatile state
 * (namespace pins, bundles, exit files). {@code cgroupDriver} is {@code "cgroupfs"} or {@code "systemd"};
 * {@code defaultCgroupParent} is the cgroup under which Berth creates a pod's cgroup when kubelet names none.
 * Immutable; no component may be null.
 */
public record RuntimeSettings(Path rootDir, Path stateDir, Path runc, Path conmon, Path catatonit,
                              String cgroupDriver, String defaultCgroupParent) {

    public RuntimeSettings {
        Objects.requireNonNull(rootDir, "rootDir");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(runc, "runc");
        Objects.requireNonNull(conmon, "conmon");
        Objects.requireNonNull(catatonit, "catatonit");
        Objects.requireNonNull(cgroupDriver, "cgroupDriver");
        Objects.requireNonNull(defaultCgroupParent, "defaultCgroupParent");
    }

    /** Berth's defaults: /var/lib/berth, /run/berth, /usr/sbin/runc, /usr/bin/conmon, /usr/bin/catatonit, cgroupfs, /berth. */
    public static RuntimeSettings defaults() {
        return new RuntimeSettings(Path.of("/var/lib/berth"), Path.of("/run/berth"), Path.of("/usr/sbin/runc"),
                Path.of("/usr/bin/conmon"), Path.of("/usr/bin/catatonit"), "cgroupfs", "/berth");
    }
}

package dev.berth.oci;

import java.nio.file.Path;

/**
 * Per-sandbox files the runtime bind-mounts into each of the sandbox's containers.
 *
 * <p>Any field may be null, meaning the container gets no such mount (for {@code shm}: a private tmpfs).
 * Immutable and thread-safe.
 *
 * @param hostname   the file mounted as {@code /etc/hostname}
 * @param resolvConf the file mounted as {@code /etc/resolv.conf}
 * @param hosts      the file mounted as {@code /etc/hosts}
 * @param shm        the directory (a tmpfs shared by the pod) mounted as {@code /dev/shm}
 */
public record SandboxFiles(Path hostname, Path resolvConf, Path hosts, Path shm) {

    /** No sandbox files at all. */
    public static SandboxFiles none() {
        return new SandboxFiles(null, null, null, null);
    }
}

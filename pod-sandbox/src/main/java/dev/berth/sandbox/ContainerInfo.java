package dev.berth.sandbox;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.oci.UserSpec;

/**
 * A snapshot of one container. Immutable.
 *
 * <p>Timestamps are Unix nanoseconds, 0 when the event has not happened. {@code reason} is "" while the container
 * has not exited, then "Completed" (exit code 0), "Error", "OOMKilled" or "Unknown". {@code logPath} is absolute
 * or "". {@code pid} is the host pid of the container's init process, 0 when unknown. {@code user} is the identity
 * its process was given at create ({@code additionalGids} with the primary group first), null for a container
 * whose record predates it; no other component is null.
 */
public record ContainerInfo(String id, String sandboxId, ContainerConfig config, String imageId, String imageRef,
                            long createdAtNanos, long startedAtNanos, long finishedAtNanos, int exitCode,
                            String reason, String message, String logPath, long pid, ContainerState state,
                            UserSpec user) {

    /** A container whose process identity is not known. */
    public ContainerInfo(String id, String sandboxId, ContainerConfig config, String imageId, String imageRef,
                         long createdAtNanos, long startedAtNanos, long finishedAtNanos, int exitCode,
                         String reason, String message, String logPath, long pid, ContainerState state) {
        this(id, sandboxId, config, imageId, imageRef, createdAtNanos, startedAtNanos, finishedAtNanos, exitCode,
                reason, message, logPath, pid, state, null);
    }
}

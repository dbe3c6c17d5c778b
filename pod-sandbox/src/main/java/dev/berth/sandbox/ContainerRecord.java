package dev.berth.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;

/**
 * What Berth stores about a container. The CRI config is kept as its protobuf bytes (base64 in JSON), as the request
 * gave it, and never changes; {@code resources} are the limits UpdateContainerResources last set (protobuf bytes of
 * {@code LinuxContainerResources}), null while those of the config apply. The state is derived from the timestamps;
 * {@code unknown} is set only when the container's fate cannot be determined. Immutable.
 */
record ContainerRecord(String id, String sandboxId, String name, byte[] config, String imageId, String imageRef,
                       long createdAtNanos, long startedAtNanos, long finishedAtNanos, int exitCode, String reason,
                       String message, String logPath, long pid, String bundle, String stopSignal,
                       boolean unknown, byte[] resources) {

    @JsonIgnore
    ContainerConfig parsedConfig() {
        try {
            return ContainerConfig.parseFrom(config);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt stored config of container " + id, e);
        }
    }

    @JsonIgnore
    ContainerState state() {
        if (finishedAtNanos > 0) {
            return ContainerState.EXITED;
        }
        if (unknown) {
            return ContainerState.UNKNOWN;
        }
        if (startedAtNanos > 0) {
            return ContainerState.RUNNING;
        }
        return ContainerState.CREATED;
    }

    ContainerRecord withStarted(long nanos) {
        return new ContainerRecord(id, sandboxId, name, config, imageId, imageRef, createdAtNanos, nanos,
                finishedAtNanos, exitCode, reason, message, logPath, pid, bundle, stopSignal, false, resources);
    }

    ContainerRecord withExit(long finishedNanos, int code, String newReason, String newMessage) {
        return new ContainerRecord(id, sandboxId, name, config, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedNanos, code, newReason, newMessage, logPath, pid, bundle, stopSignal, false, resources);
    }

    /** The limits now in force, as UpdateContainerResources set them. */
    ContainerRecord withResources(byte[] newResources) {
        return new ContainerRecord(id, sandboxId, name, config, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, logPath, pid, bundle, stopSignal, unknown, newResources);
    }

    ContainerRecord withUnknown(boolean value) {
        return new ContainerRecord(id, sandboxId, name, config, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, logPath, pid, bundle, stopSignal, value, resources);
    }

    /** The snapshot callers see: the config as requested, with the limits now in force as its resources. */
    ContainerInfo toInfo() {
        ContainerConfig shown = parsedConfig();
        if (resources != null) {
            try {
                shown = shown.toBuilder().setLinux(shown.getLinux().toBuilder()
                        .setResources(LinuxContainerResources.parseFrom(resources))).build();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt stored resources of container " + id, e);
            }
        }
        return new ContainerInfo(id, sandboxId, shown, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, logPath, pid, state());
    }

    /** The CRI reason for an exit code. */
    static String reasonFor(int exitCode, boolean oomKilled) {
        if (oomKilled) {
            return "OOMKilled";
        }
        return exitCode == 0 ? "Completed" : "Error";
    }
}

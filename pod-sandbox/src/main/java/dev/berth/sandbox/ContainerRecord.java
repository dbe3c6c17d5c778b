package dev.berth.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.cri.v1.ContainerConfig;

/**
 * What Berth stores about a container. The CRI config is kept as its protobuf bytes (base64 in JSON). The state is
 * derived from the timestamps; {@code unknown} is set only when the container's fate cannot be determined.
 * Immutable.
 */
record ContainerRecord(String id, String sandboxId, String name, byte[] config, String imageId, String imageRef,
                       long createdAtNanos, long startedAtNanos, long finishedAtNanos, int exitCode, String reason,
                       String message, String logPath, long pid, String bundle, String stopSignal,
                       boolean unknown) {

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
                finishedAtNanos, exitCode, reason, message, logPath, pid, bundle, stopSignal, false);
    }

    ContainerRecord withExit(long finishedNanos, int code, String newReason, String newMessage) {
        return new ContainerRecord(id, sandboxId, name, config, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedNanos, code, newReason, newMessage, logPath, pid, bundle, stopSignal, false);
    }

    ContainerRecord withConfig(byte[] newConfig) {
        return new ContainerRecord(id, sandboxId, name, newConfig, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, logPath, pid, bundle, stopSignal, unknown);
    }

    ContainerRecord withUnknown(boolean value) {
        return new ContainerRecord(id, sandboxId, name, config, imageId, imageRef, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, logPath, pid, bundle, stopSignal, value);
    }

    ContainerInfo toInfo() {
        return new ContainerInfo(id, sandboxId, parsedConfig(), imageId, imageRef, createdAtNanos, startedAtNanos,
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

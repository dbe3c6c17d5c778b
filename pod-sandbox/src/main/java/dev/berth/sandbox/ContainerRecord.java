package dev.berth.sandbox;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.oci.UserSpec;

/**
 * What Berth stores about a container: its metadata, written once by CreateContainer, and its status, changed as the
 * container starts, exits or gets new limits. Immutable.
 */
record ContainerRecord(Meta meta, Status status) {

    /**
     * What CreateContainer decided. The CRI config is kept as its protobuf bytes (base64 in JSON), as the request gave
     * it. {@code user} is the identity the process was given (from the security context and the image's
     * {@code /etc/passwd} and {@code /etc/group}); null in records of versions that kept none.
     */
    record Meta(String id, String sandboxId, String name, byte[] config, String imageId, String imageRef,
                long createdAtNanos, String logPath, String bundle, String stopSignal, UserSpec user) {
    }

    /**
     * What happened to the container since. The state is derived from the timestamps; {@code unknown} is set only
     * when the container's fate cannot be determined. {@code resources} are the limits UpdateContainerResources last
     * set (protobuf bytes of {@code LinuxContainerResources}), null while those of the config apply.
     */
    record Status(long startedAtNanos, long finishedAtNanos, int exitCode, String reason, String message, long pid,
                  boolean unknown, byte[] resources) {

        /** The status of a container runc just created as process {@code pid}. */
        static Status created(long pid) {
            return new Status(0, 0, 0, "", "", pid, false, null);
        }

        Status withStarted(long nanos) {
            return new Status(nanos, finishedAtNanos, exitCode, reason, message, pid, false, resources);
        }

        Status withExit(long finishedNanos, int code, String newReason, String newMessage) {
            return new Status(startedAtNanos, finishedNanos, code, newReason, newMessage, pid, false, resources);
        }

        /** The limits now in force, as UpdateContainerResources set them. */
        Status withResources(byte[] newResources) {
            return new Status(startedAtNanos, finishedAtNanos, exitCode, reason, message, pid, unknown,
                    newResources);
        }

        Status withUnknown(boolean value) {
            return new Status(startedAtNanos, finishedAtNanos, exitCode, reason, message, pid, value, resources);
        }
    }

    String id() {
        return meta.id();
    }

    String sandboxId() {
        return meta.sandboxId();
    }

    String name() {
        return meta.name();
    }

    String logPath() {
        return meta.logPath();
    }

    String bundle() {
        return meta.bundle();
    }

    String stopSignal() {
        return meta.stopSignal();
    }

    long createdAtNanos() {
        return meta.createdAtNanos();
    }

    long pid() {
        return status.pid();
    }

    boolean unknown() {
        return status.unknown();
    }

    ContainerConfig parsedConfig() {
        try {
            return ContainerConfig.parseFrom(meta.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt stored config of container " + id(), e);
        }
    }

    ContainerState state() {
        if (status.finishedAtNanos() > 0) {
            return ContainerState.EXITED;
        }
        if (status.unknown()) {
            return ContainerState.UNKNOWN;
        }
        if (status.startedAtNanos() > 0) {
            return ContainerState.RUNNING;
        }
        return ContainerState.CREATED;
    }

    /** The snapshot callers see: the config as requested, with the limits now in force as its resources. */
    ContainerInfo toInfo() {
        ContainerConfig shown = parsedConfig();
        if (status.resources() != null) {
            try {
                shown = shown.toBuilder().setLinux(shown.getLinux().toBuilder()
                        .setResources(LinuxContainerResources.parseFrom(status.resources()))).build();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt stored resources of container " + id(), e);
            }
        }
        return new ContainerInfo(id(), sandboxId(), shown, meta.imageId(), meta.imageRef(), createdAtNanos(),
                status.startedAtNanos(), status.finishedAtNanos(), status.exitCode(), status.reason(),
                status.message(), logPath(), pid(), state(), meta.user());
    }

    /** The CRI reason for an exit code. */
    static String reasonFor(int exitCode, boolean oomKilled) {
        if (oomKilled) {
            return "OOMKilled";
        }
        return exitCode == 0 ? "Completed" : "Error";
    }
}

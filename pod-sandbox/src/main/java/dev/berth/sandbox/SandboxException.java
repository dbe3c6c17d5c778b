package dev.berth.sandbox;

import java.util.Objects;

/**
 * The failure of a {@link PodRuntime} operation; {@link #kind()} tells the caller which status code it maps to.
 * Immutable.
 */
public final class SandboxException extends RuntimeException {

    /** The category of a failure. */
    public enum Kind { NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION, DEADLINE_EXCEEDED, FAILED }

    private final Kind kind;

    public SandboxException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public SandboxException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    static SandboxException notFound(String what, String id) {
        return new SandboxException(Kind.NOT_FOUND, what + " " + id + " not found");
    }

    static SandboxException failed(String message, Throwable cause) {
        return new SandboxException(Kind.FAILED, message + ": " + cause.getMessage(), cause);
    }
}

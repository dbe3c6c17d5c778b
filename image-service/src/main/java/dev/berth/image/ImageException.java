package dev.berth.image;

import java.util.Objects;

/**
 * Failure of an image operation, with a {@link Kind} a caller maps to a status code. Messages never
 * contain credentials.
 */
public final class ImageException extends RuntimeException {
    /** What went wrong, coarsely. */
    public enum Kind {
        INVALID_REFERENCE, NOT_FOUND, UNAUTHORIZED, UNAVAILABLE, IN_USE,
        /** The image holds something this node's configuration does not accept, such as device nodes. */
        REFUSED,
        FAILED
    }

    private final Kind kind;

    public ImageException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind);
    }

    public ImageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind);
    }

    /** The kind of failure; never null. */
    public Kind kind() {
        return kind;
    }
}

package dev.berth.network;

/**
 * A CNI operation could not be done. The message names the plugin, the CNI command, the plugin's exit code,
 * its CNI error (code, msg, details) and its stderr where there were any.
 *
 * <p>Immutable after construction.
 */
public final class NetworkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the operation failed. */
    public enum Kind {
        /** No usable network config, or a plugin it names is not installed. */
        NOT_READY,
        /** A plugin ran and failed, timed out or printed something that is not a CNI result. */
        PLUGIN_FAILED,
        /** A network config or cache entry is malformed. */
        INVALID_CONFIG
    }

    private final Kind kind;

    NetworkException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    NetworkException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Why the operation failed; never null. */
    public Kind kind() {
        return kind;
    }
}

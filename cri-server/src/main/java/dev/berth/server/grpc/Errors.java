package dev.berth.server.grpc;

import dev.berth.image.ImageException;
import dev.berth.network.NetworkException;
import dev.berth.sandbox.SandboxException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.NoSuchElementException;

/**
 * Builds the gRPC errors handlers raise, and maps every other exception to a status in one place.
 * Stateless and thread-safe.
 */
public final class Errors {

    private Errors() {
    }

    /** A request field that is missing or malformed; the message names the field as the CRI message spells it. */
    public static StatusRuntimeException invalid(String field, String problem) {
        return Status.INVALID_ARGUMENT.withDescription(field + " " + problem).asRuntimeException();
    }

    public static StatusRuntimeException notFound(String what) {
        return Status.NOT_FOUND.withDescription(what).asRuntimeException();
    }

    public static StatusRuntimeException failedPrecondition(String what) {
        return Status.FAILED_PRECONDITION.withDescription(what).asRuntimeException();
    }

    /** The status a failed call answers with. */
    public static Status toStatus(Throwable t) {
        if (t instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (t instanceof SandboxException e) {
            Status status = switch (e.kind()) {
                case NOT_FOUND -> Status.NOT_FOUND;
                case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
                case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
                case FAILED -> Status.UNKNOWN;
            };
            return status.withDescription(e.getMessage());
        }
        if (t instanceof ImageException e) {
            Status status = switch (e.kind()) {
                case INVALID_REFERENCE -> Status.INVALID_ARGUMENT;
                case NOT_FOUND -> Status.NOT_FOUND;
                case UNAUTHORIZED -> Status.PERMISSION_DENIED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
                case IN_USE, REFUSED -> Status.FAILED_PRECONDITION;
                case FAILED -> Status.UNKNOWN;
            };
            return status.withDescription(e.getMessage());
        }
        if (t instanceof NetworkException e) {
            Status status = switch (e.kind()) {
                case NOT_READY -> Status.FAILED_PRECONDITION;
                case INVALID_CONFIG, PLUGIN_FAILED -> Status.UNKNOWN;
            };
            return status.withDescription("network: " + e.getMessage());
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        }
        if (t instanceof NoSuchElementException) {
            return Status.NOT_FOUND.withDescription(t.getMessage());
        }
        if (t instanceof UnsupportedOperationException) {
            return Status.UNIMPLEMENTED.withDescription(t.getMessage());
        }
        return Status.INTERNAL.withDescription(t.getClass().getSimpleName() + ": " + t.getMessage());
    }
}

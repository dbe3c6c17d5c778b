package dev.berth.server.grpc;

import dev.berth.host.BerthException;
import dev.berth.host.DiskFull;
import io.grpc.Status;

/**
 * Maps what a call threw to the status it answers with: the one place where Berth's error model becomes gRPC.
 * Only {@link BerthException}s name a caller-visible kind; anything else is a defect of Berth and answers
 * INTERNAL (the interceptor logs it with the request id). Stateless and thread-safe.
 */
public final class Errors {

    /**
     * The longest description a status carries. It travels in a trailer, which clients cap (grpc-java at 8 KiB
     * of metadata, percent-encoding included): a message quoting a kilobytes-long request value would reach the
     * caller as a transport error instead of the status.
     */
    static final int MAX_DESCRIPTION = 1024;

    private Errors() {
    }

    /** The status a failed call answers with. */
    public static Status toStatus(Throwable t) {
        // a full disk is the node's state, not a defect: kubelet's disk-pressure handling takes it from there
        if (DiskFull.causedBy(t)) {
            return Status.RESOURCE_EXHAUSTED.withDescription("no space left on device: " + t.getMessage());
        }
        if (t instanceof BerthException e) {
            Status status = switch (e) {
                case BerthException.NotFound n -> Status.NOT_FOUND;
                case BerthException.AlreadyExists a -> Status.ALREADY_EXISTS;
                case BerthException.InvalidArgument i -> Status.INVALID_ARGUMENT;
                case BerthException.FailedPrecondition f -> Status.FAILED_PRECONDITION;
                case BerthException.Unavailable u -> Status.UNAVAILABLE;
                case BerthException.ResourceExhausted r -> Status.RESOURCE_EXHAUSTED;
                case BerthException.DeadlineExceeded d -> Status.DEADLINE_EXCEEDED;
                case BerthException.PermissionDenied p -> Status.PERMISSION_DENIED;
                // a program or service Berth drives failed: the message carries its reason
                case BerthException.Failed f -> Status.INTERNAL;
            };
            return status.withDescription(bounded(e.getMessage()));
        }
        return Status.INTERNAL.withDescription(bounded(t.getClass().getSimpleName() + ": " + t.getMessage()));
    }

    private static String bounded(String description) {
        if (description == null || description.length() <= MAX_DESCRIPTION) {
            return description;
        }
        return description.substring(0, MAX_DESCRIPTION) + "... (" + (description.length() - MAX_DESCRIPTION)
                + " more characters)";
    }

    /** Whether {@code t} is a defect of Berth rather than a failure it can name; those are logged with their stack. */
    public static boolean isDefect(Throwable t) {
        return !(t instanceof BerthException) && !DiskFull.causedBy(t);
    }
}

package dev.berth.host;

/**
 * A failure Berth expects and can name: the one error model of the pod runtime, the network and the image
 * libraries, which the CRI server maps to gRPC codes in one place. Anything thrown that is not one of these is a
 * defect of Berth and answers INTERNAL.
 *
 * <p>Messages are for the user (kubelet shows them in events): they start with what went wrong, name the request
 * field when the caller is at fault, and never hold credentials. Immutable.
 */
public abstract sealed class BerthException extends RuntimeException {

    private BerthException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The object the request names does not exist. */
    public static final class NotFound extends BerthException {
        NotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A name or id the request would take is already taken. */
    public static final class AlreadyExists extends BerthException {
        AlreadyExists(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The caller sent a request that cannot be served; {@link #field()} names the field as the CRI spells it. */
    public static final class InvalidArgument extends BerthException {
        private final String field;

        InvalidArgument(String field, String message, Throwable cause) {
            super(message, cause);
            this.field = field;
        }

        /** The offending request field, e.g. {@code config.linux.resources.cpu_shares}; null when not known. */
        public String field() {
            return field;
        }

        /**
         * The same failure for a request that holds the field under {@code prefix}: with {@code config},
         * {@code mounts[0].host_path} becomes {@code config.mounts[0].host_path}. A library names the fields of the
         * message it was given; the handler knows where that message sits in the request. Unchanged when the
         * field is not known.
         */
        public InvalidArgument under(String prefix) {
            if (field == null || !getMessage().startsWith(field)) {
                return this;
            }
            return new InvalidArgument(prefix + "." + field, prefix + "." + getMessage(), this);
        }
    }

    /** The request is valid but the object is not in a state that allows it, or the node refuses it by policy. */
    public static final class FailedPrecondition extends BerthException {
        FailedPrecondition(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Something Berth depends on (a registry, the daemon itself while starting) cannot be reached now. */
    public static final class Unavailable extends BerthException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The node ran out of something: disk space, memory, inodes. */
    public static final class ResourceExhausted extends BerthException {
        ResourceExhausted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The operation did not finish within its time limit. */
    public static final class DeadlineExceeded extends BerthException {
        DeadlineExceeded(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A registry refused the credentials, or gave none were given where they are needed. */
    public static final class PermissionDenied extends BerthException {
        PermissionDenied(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A program or service Berth drives failed (runc, conmon, a CNI plugin, a registry's content): not the
     * caller's fault and not a defect of Berth. The message starts with the component's own reason.
     */
    public static non-sealed class Failed extends BerthException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The same failure, its message prefixed with what was being done, e.g. {@code "pulling busybox: "}. */
    public BerthException within(String context) {
        String message = context + ": " + getMessage();
        return switch (this) {
            case NotFound e -> new NotFound(message, this);
            case AlreadyExists e -> new AlreadyExists(message, this);
            case InvalidArgument e -> new InvalidArgument(e.field(), message, this);
            case FailedPrecondition e -> new FailedPrecondition(message, this);
            case Unavailable e -> new Unavailable(message, this);
            case ResourceExhausted e -> new ResourceExhausted(message, this);
            case DeadlineExceeded e -> new DeadlineExceeded(message, this);
            case PermissionDenied e -> new PermissionDenied(message, this);
            case Failed e -> new Failed(message, this);
        };
    }

    /**
     * A value from a request as an error message shows it: control characters as escapes, at most 64 characters,
     * so that a hostile value cannot forge lines of a log or flood it.
     */
    public static String printable(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length() && b.length() < 64; i++) {
            char c = value.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.length() < value.length() ? b + "..." : b.toString();
    }

    public static NotFound notFound(String message) {
        return new NotFound(message, null);
    }

    public static AlreadyExists alreadyExists(String message) {
        return new AlreadyExists(message, null);
    }

    /** The request field {@code field} is at fault; the message reads "{@code <field> <problem>}". */
    public static InvalidArgument invalid(String field, String problem) {
        return new InvalidArgument(field, field + " " + problem, null);
    }

    public static InvalidArgument invalid(String field, String problem, Throwable cause) {
        return new InvalidArgument(field, field + " " + problem, cause);
    }

    /** An invalid request whose message already names the field at fault. */
    public static InvalidArgument invalidArgument(String message) {
        return new InvalidArgument(null, message, null);
    }

    public static InvalidArgument invalidArgument(String message, Throwable cause) {
        return new InvalidArgument(null, message, cause);
    }

    public static FailedPrecondition failedPrecondition(String message) {
        return new FailedPrecondition(message, null);
    }

    public static FailedPrecondition failedPrecondition(String message, Throwable cause) {
        return new FailedPrecondition(message, cause);
    }

    public static Unavailable unavailable(String message) {
        return new Unavailable(message, null);
    }

    public static Unavailable unavailable(String message, Throwable cause) {
        return new Unavailable(message, cause);
    }

    public static ResourceExhausted resourceExhausted(String message, Throwable cause) {
        return new ResourceExhausted(message, cause);
    }

    public static DeadlineExceeded deadlineExceeded(String message) {
        return new DeadlineExceeded(message, null);
    }

    public static PermissionDenied permissionDenied(String message) {
        return new PermissionDenied(message, null);
    }

    public static PermissionDenied permissionDenied(String message, Throwable cause) {
        return new PermissionDenied(message, cause);
    }

    public static Failed failed(String message) {
        return new Failed(message, null);
    }

    public static Failed failed(String message, Throwable cause) {
        return new Failed(message, cause);
    }
}

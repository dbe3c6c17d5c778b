package dev.berth.server.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.host.BerthException;
import dev.berth.server.grpc.Errors;
import io.grpc.Status;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the errors handlers raise, as the caller sees them through {@link Errors}. Stateless. */
public final class StatusAssertions {

    private StatusAssertions() {
    }

    /** The call fails with a failure Berth names that answers {@code code}; returns the status for further checks. */
    public static Status assertStatus(ThrowingCallable call, Status.Code code) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("what the handler threw").isInstanceOf(BerthException.class);
        Status status = Errors.toStatus(thrown);
        assertThat(status.getCode()).isEqualTo(code);
        return status;
    }

    /** The call fails with INVALID_ARGUMENT naming {@code field}, as the CRI message spells it. */
    public static void assertInvalid(ThrowingCallable call, String field) {
        Status status = assertStatus(call, Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith(field + " ");
    }
}

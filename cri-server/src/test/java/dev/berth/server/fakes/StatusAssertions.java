package dev.berth.server.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the gRPC errors handlers raise. Stateless. */
public final class StatusAssertions {

    private StatusAssertions() {
    }

    /** The call fails with {@code code}; returns the status for further checks. */
    public static Status assertStatus(ThrowingCallable call, Status.Code code) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) thrown).getStatus();
        assertThat(status.getCode()).isEqualTo(code);
        return status;
    }

    /** The call fails with INVALID_ARGUMENT naming {@code field}, as the CRI message spells it. */
    public static void assertInvalid(ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith(field + " ");
        });
    }
}

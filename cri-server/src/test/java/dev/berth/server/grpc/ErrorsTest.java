package dev.berth.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void invalid_namesTheField() {
        Status status = Errors.toStatus(Errors.invalid("config.metadata.name", "is required"));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("config.metadata.name is required");
    }

    @Test
    void toStatus_plainExceptions_mapByType() {
        assertThat(Errors.toStatus(new IllegalArgumentException("x")).getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Errors.toStatus(new NoSuchElementException("x")).getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Errors.toStatus(new UnsupportedOperationException("x")).getCode())
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(Errors.toStatus(new IllegalStateException("boom")).getCode()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void toStatus_unexpected_keepsTheMessage() {
        assertThat(Errors.toStatus(new IllegalStateException("boom")).getDescription())
                .contains("IllegalStateException").contains("boom");
    }
}

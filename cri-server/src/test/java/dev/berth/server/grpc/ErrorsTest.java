package dev.berth.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.host.BerthException;
import dev.berth.host.CommandException;
import io.grpc.Status;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorsTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(BerthException.notFound("container c not found"), Status.Code.NOT_FOUND),
                Arguments.of(BerthException.alreadyExists("name n is reserved"), Status.Code.ALREADY_EXISTS),
                Arguments.of(BerthException.invalid("config.metadata.name", "is required"),
                        Status.Code.INVALID_ARGUMENT),
                Arguments.of(BerthException.invalidArgument("mounts[0].container_path is relative"),
                        Status.Code.INVALID_ARGUMENT),
                Arguments.of(BerthException.failedPrecondition("container c is not running"),
                        Status.Code.FAILED_PRECONDITION),
                Arguments.of(BerthException.unavailable("registry unreachable"), Status.Code.UNAVAILABLE),
                Arguments.of(BerthException.resourceExhausted("no space left", null), Status.Code.RESOURCE_EXHAUSTED),
                Arguments.of(BerthException.deadlineExceeded("timed out"), Status.Code.DEADLINE_EXCEEDED),
                Arguments.of(BerthException.permissionDenied("registry refused"), Status.Code.PERMISSION_DENIED),
                Arguments.of(BerthException.failed("plugin bridge failed"), Status.Code.INTERNAL),
                Arguments.of(new CommandException(List.of("/usr/sbin/runc", "start", "c"), 1,
                        "time=x level=error msg=\"container not created\"\n"), Status.Code.INTERNAL));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void toStatus_everyKind_itsCodeAndMessage(BerthException e, Status.Code code) {
        Status status = Errors.toStatus(e);

        assertThat(status.getCode()).isEqualTo(code);
        assertThat(status.getDescription()).isEqualTo(e.getMessage());
        assertThat(Errors.isDefect(e)).isFalse();
    }

    @Test
    void toStatus_invalid_namesTheField() {
        Status status = Errors.toStatus(BerthException.invalid("config.metadata.name", "is required"));

        assertThat(status.getDescription()).isEqualTo("config.metadata.name is required");
    }

    @Test
    void toStatus_javasOwnExceptions_areDefectsNotTheCallersFault() {
        for (RuntimeException e : List.of(new IllegalArgumentException("x"), new NoSuchElementException("x"),
                new UnsupportedOperationException("x"), new IllegalStateException("boom"))) {
            assertThat(Errors.toStatus(e).getCode()).as(e.toString()).isEqualTo(Status.Code.INTERNAL);
            assertThat(Errors.isDefect(e)).isTrue();
        }
    }

    @Test
    void toStatus_unexpected_keepsTheMessage() {
        assertThat(Errors.toStatus(new IllegalStateException("boom")).getDescription())
                .contains("IllegalStateException").contains("boom");
    }

    @Test
    void toStatus_commandFailure_startsWithTheProgramsReason() {
        List<String> conmon = List.of("/usr/bin/conmon", "--api-version", "1", "-c", "x".repeat(900));
        Status status = Errors.toStatus(new CommandException(conmon, 1,
                "some noise\nexec: \"nope\": executable file not found in $PATH\n", "container creation failed",
                null));

        assertThat(status.getDescription()).startsWith("exec: \"nope\": executable file not found in $PATH")
                .contains("conmon: container creation failed").doesNotContain("xxxx");
    }

    @Test
    void toStatus_fullDiskAnywhereInTheCauses_resourceExhaustedAndNoDefect() {
        var full = new java.nio.file.FileSystemException("/var/lib/berth/x.tmp", null, "No space left on device");
        for (Throwable t : List.of(new java.io.UncheckedIOException(full),
                BerthException.failed("storing busybox", full),
                BerthException.unavailable("fetching blob", full).within("pulling busybox"))) {
            assertThat(Errors.toStatus(t).getCode()).as(t.toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Errors.isDefect(t)).isFalse();
        }
    }

    @Test
    void within_keepsTheKindAndPrefixesTheMessage() {
        BerthException e = BerthException.unavailable("connection refused").within("pulling busybox");

        assertThat(e).isInstanceOf(BerthException.Unavailable.class).hasMessage("pulling busybox: connection refused");
    }

    @Test
    void toStatus_messageQuotingAHugeValue_cutSoThatItFitsATrailer() {
        Status status = Errors.toStatus(BerthException.invalid("config.devices[0].host_path",
                "/" + "x".repeat(8000) + " cannot be used as a device"));

        assertThat(status.getDescription()).startsWith("config.devices[0].host_path /xxx")
                .hasSizeLessThan(Errors.MAX_DESCRIPTION + 40).endsWith("more characters)");
    }
}

package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ExecSyncRequest;
import dev.berth.cri.v1.ExecSyncResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerState;
import dev.berth.sandbox.ExecResult;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import dev.berth.server.grpc.Errors;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecSyncTest {

    private static final String POD = "a1".repeat(32);
    private static final String RUNNING = "c1".repeat(32);
    private static final String CREATED = "c2".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final ExecSync handler = new ExecSync(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(RUNNING, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(CREATED, POD, CriConfigs.container("idle", "busybox"), ContainerState.CREATED);
    }

    private static ExecSyncRequest.Builder request(String id, String... cmd) {
        return ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(java.util.List.of(cmd));
    }

    @Test
    void handle_running_returnsExitCodeAndBothStreams() {
        fakes.runtime().execAnswers(new ExecResult(3, "out\n".getBytes(StandardCharsets.UTF_8),
                "err\n".getBytes(StandardCharsets.UTF_8)));

        ExecSyncResponse response = handler.handle(request(RUNNING, "sh", "-c", "exit 3").setTimeout(5).build());

        assertThat(response.getExitCode()).isEqualTo(3);
        assertThat(response.getStdout().toStringUtf8()).isEqualTo("out\n");
        assertThat(response.getStderr().toStringUtf8()).isEqualTo("err\n");
        assertThat(fakes.log().mutations())
                .containsExactly("runtime.execSync(" + RUNNING + ", [sh, -c, exit 3], 5)");
    }

    @Test
    void handle_idPrefix_runsInTheFullId() {
        handler.handle(request("c1c1", "true").build());

        assertThat(fakes.log().mutations()).containsExactly("runtime.execSync(" + RUNNING + ", [true], 0)");
    }

    @Test
    void handle_noCommand_isInvalidNamingCmd() {
        assertInvalid(() -> handler.handle(request(RUNNING).build()), "cmd");
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_negativeTimeout_isInvalid() {
        assertInvalid(() -> handler.handle(request(RUNNING, "true").setTimeout(-1).build()), "timeout");
    }

    @Test
    void handle_unknownContainer_notFound() {
        assertStatus(() -> handler.handle(request("ff".repeat(32), "true").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void handle_containerNotRunning_failedPrecondition() {
        Status status = Errors.toStatus(org.assertj.core.api.Assertions.catchThrowable(
                () -> handler.handle(request(CREATED, "true").build())));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void handle_commandTimesOut_deadlineExceeded() {
        fakes.runtime().failOn("execSync",
                BerthException.deadlineExceeded("timed out after 1 s"));

        Status status = Errors.toStatus(org.assertj.core.api.Assertions.catchThrowable(
                () -> handler.handle(request(RUNNING, "sleep", "10").setTimeout(1).build())));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }
}

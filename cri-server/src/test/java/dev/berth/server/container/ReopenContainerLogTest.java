package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.ReopenContainerLogRequest;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import dev.berth.server.grpc.Errors;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReopenContainerLogTest {

    private static final String POD = "a1".repeat(32);
    private static final String RUNNING = "c1".repeat(32);
    private static final String EXITED = "c2".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final ReopenContainerLog handler = new ReopenContainerLog(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(RUNNING, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(EXITED, POD, CriConfigs.container("done", "busybox"), ContainerState.EXITED);
    }

    private static ReopenContainerLogRequest request(String id) {
        return ReopenContainerLogRequest.newBuilder().setContainerId(id).build();
    }

    @Test
    void handle_running_asksTheRuntime() {
        handler.handle(request(RUNNING));

        assertThat(fakes.log().mutations()).containsExactly("runtime.reopenContainerLog(" + RUNNING + ")");
    }

    @Test
    void handle_exited_failedPrecondition() {
        Status status = Errors.toStatus(catchThrowable(() -> handler.handle(request(EXITED))));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void handle_unknown_notFound() {
        assertStatus(() -> handler.handle(request("ff".repeat(32))), Status.Code.NOT_FOUND);
    }

    @Test
    void handle_noId_invalid() {
        assertInvalid(() -> handler.handle(request("")), "container_id");
    }
}

package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StartContainerTest {

    private static final String POD = "a1".repeat(32);
    private static final String CONTAINER = "c1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final StartContainer handler = new StartContainer(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(CONTAINER, POD, CriConfigs.container("app", "busybox"), ContainerState.CREATED);
    }

    private static StartContainerRequest request(String id) {
        return StartContainerRequest.newBuilder().setContainerId(id).build();
    }

    @Test
    void handle_created_startsIt() {
        handler.handle(request(CONTAINER));

        assertThat(fakes.log().mutations()).containsExactly("runtime.startContainer(" + CONTAINER + ")");
        assertThat(fakes.runtime().container(CONTAINER).orElseThrow().state()).isEqualTo(ContainerState.RUNNING);
    }

    @Test
    void handle_idPrefix_startsTheFullId() {
        handler.handle(request("c1c1"));

        assertThat(fakes.log().mutations()).containsExactly("runtime.startContainer(" + CONTAINER + ")");
    }

    @Test
    void handle_unknownId_notFoundAndNothingStarted() {
        Status status = assertStatus(() -> handler.handle(request("ff".repeat(32))), Status.Code.NOT_FOUND);

        assertThat(status.getDescription()).contains("ff".repeat(32));
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_runtimeFails_errorSurfaces() {
        RuntimeException failure = BerthException.failed("runc start failed");
        fakes.runtime().failOn("startContainer", failure);

        assertThat(catchThrowable(() -> handler.handle(request(CONTAINER)))).isSameAs(failure);
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(StartContainerRequest.getDefaultInstance()), "container_id");
        assertThat(fakes.log().all()).isEmpty();
    }
}

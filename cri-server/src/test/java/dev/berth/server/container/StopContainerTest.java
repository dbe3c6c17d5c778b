package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StopContainerTest {

    private static final String POD = "a1".repeat(32);
    private static final String CONTAINER = "c1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final StopContainer handler = new StopContainer(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(CONTAINER, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
    }

    private static StopContainerRequest request(String id, long timeout) {
        return StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeout).build();
    }

    @Test
    void handle_running_stopsWithTheTimeout() {
        handler.handle(request(CONTAINER, 30));

        assertThat(fakes.log().mutations()).containsExactly("runtime.stopContainer(" + CONTAINER + ", 30)");
        assertThat(fakes.runtime().container(CONTAINER).orElseThrow().state()).isEqualTo(ContainerState.EXITED);
    }

    @Test
    void handle_zeroTimeout_passedAsZero() {
        handler.handle(request(CONTAINER, 0));

        assertThat(fakes.log().mutations()).containsExactly("runtime.stopContainer(" + CONTAINER + ", 0)");
    }

    @Test
    void handle_idPrefix_stopsTheFullId() {
        handler.handle(request("c1c1", 10));

        assertThat(fakes.log().mutations()).containsExactly("runtime.stopContainer(" + CONTAINER + ", 10)");
    }

    @Test
    void handle_unknownId_succeedsWithoutStopping() {
        handler.handle(request("ff".repeat(32), 10));

        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_alreadyStopped_succeedsAgain() {
        handler.handle(request(CONTAINER, 10));
        long finished = fakes.runtime().container(CONTAINER).orElseThrow().finishedAtNanos();

        handler.handle(request(CONTAINER, 10));

        assertThat(fakes.runtime().container(CONTAINER).orElseThrow().finishedAtNanos()).isEqualTo(finished);
    }

    @Test
    void handle_runtimeFails_errorSurfaces() {
        RuntimeException failure = BerthException.failed("runc kill failed");
        fakes.runtime().failOn("stopContainer", failure);

        assertThat(catchThrowable(() -> handler.handle(request(CONTAINER, 10)))).isSameAs(failure);
    }

    @Test
    void handle_negativeTimeout_invalidAndNothingStopped() {
        assertInvalid(() -> handler.handle(request(CONTAINER, -1)), "timeout");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(StopContainerRequest.getDefaultInstance()), "container_id");
    }

    @Test
    void handle_removedDuringItsGracePeriod_succeeds() {
        fakes.runtime().failOn("stopContainer", BerthException.notFound("container " + CONTAINER + " not found"));

        assertThat(catchThrowable(() -> handler.handle(request(CONTAINER, 30)))).isNull();
    }
}

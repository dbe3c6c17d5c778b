package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.RemoveContainerRequest;
import dev.berth.host.BerthException;
import dev.berth.image.Image;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemoveContainerTest {

    private static final String POD = "a1".repeat(32);
    private static final String CONTAINER = "c1".repeat(32);
    private static final Image IMAGE = FakeImages.image("e4", "docker.io/library/busybox:latest", "");

    private final Fakes fakes = Fakes.create();
    private final RemoveContainer handler = new RemoveContainer(fakes.services());

    @BeforeEach
    void seed() {
        fakes.images().add(IMAGE);
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(CONTAINER, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.images().mountRootfs(CONTAINER, IMAGE.id());
        fakes.log().clear();
    }

    private static RemoveContainerRequest request(String id) {
        return RemoveContainerRequest.newBuilder().setContainerId(id).build();
    }

    @Test
    void handle_known_removesContainerThenUnmountsRootfs() {
        handler.handle(request(CONTAINER));

        assertThat(fakes.log().mutations()).containsExactly(
                "runtime.removeContainer(" + CONTAINER + ")", "images.unmountRootfs(" + CONTAINER + ")");
        assertThat(fakes.runtime().containers()).isEmpty();
        assertThat(fakes.images().mountedContainers()).isEmpty();
    }

    @Test
    void handle_idPrefix_removesTheFullId() {
        handler.handle(request("c1c1"));

        assertThat(fakes.runtime().containers()).isEmpty();
        assertThat(fakes.images().mountedContainers()).isEmpty();
    }

    @Test
    void handle_unknownId_succeedsWithoutChangingAnything() {
        handler.handle(request("ff".repeat(32)));

        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_twice_secondChangesNothing() {
        handler.handle(request(CONTAINER));
        fakes.log().clear();

        handler.handle(request(CONTAINER));

        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_runtimeFails_rootfsStaysMountedAndErrorSurfaces() {
        RuntimeException failure = BerthException.failed("runc delete failed");
        fakes.runtime().failOn("removeContainer", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(CONTAINER)));

        // The container may still be running on that rootfs: it must not be pulled from under it.
        assertThat(thrown).isSameAs(failure);
        assertThat(fakes.images().mountedContainers()).containsExactly(CONTAINER);
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(RemoveContainerRequest.getDefaultInstance()), "container_id");
        assertThat(fakes.log().all()).isEmpty();
    }
}

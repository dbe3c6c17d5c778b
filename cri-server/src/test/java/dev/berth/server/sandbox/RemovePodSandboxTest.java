package dev.berth.server.sandbox;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.host.BerthException;
import dev.berth.image.Image;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemovePodSandboxTest {

    private static final String POD = "a1".repeat(32);
    private static final String OTHER_POD = "b2".repeat(32);
    private static final String C1 = "c1".repeat(32);
    private static final String C2 = "c2".repeat(32);
    private static final String OTHER_CONTAINER = "d3".repeat(32);
    private static final Image IMAGE = FakeImages.image("e4", "docker.io/library/busybox:latest", "");

    private final Fakes fakes = Fakes.create();
    private final RemovePodSandbox handler = new RemovePodSandbox(fakes.services());

    private static RemovePodSandboxRequest request(String id) {
        return RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build();
    }

    @BeforeEach
    void seedImage() {
        fakes.images().add(IMAGE);
    }

    private void addContainer(String id, String pod, ContainerState state) {
        fakes.runtime().addContainer(id, pod, CriConfigs.container(id.substring(0, 4), "busybox"), state);
        fakes.images().mountRootfs(id, IMAGE.id());
    }

    @Test
    void handle_withContainers_tearsDownThenRemovesContainersAndRootfsThenPod() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addSandbox(OTHER_POD, CriConfigs.pod("db"));
        addContainer(C1, POD, ContainerState.RUNNING);
        addContainer(OTHER_CONTAINER, OTHER_POD, ContainerState.RUNNING);
        addContainer(C2, POD, ContainerState.EXITED);
        fakes.log().clear();

        handler.handle(request(POD));

        assertThat(fakes.log().mutations()).containsExactly(
                "runtime.stopSandbox(" + POD + ")",
                "network.detach(" + POD + ")",
                "runtime.releaseNamespaces(" + POD + ")",
                "runtime.removeContainer(" + C1 + ")",
                "images.unmountRootfs(" + C1 + ")",
                "runtime.removeContainer(" + C2 + ")",
                "images.unmountRootfs(" + C2 + ")",
                "runtime.removeSandbox(" + POD + ")");
        assertThat(fakes.runtime().sandbox(POD)).isEmpty();
        assertThat(fakes.runtime().container(OTHER_CONTAINER)).isPresent();
        assertThat(fakes.images().mountedContainers()).containsExactly(OTHER_CONTAINER);
    }

    @Test
    void handle_hostNetwork_skipsCni() {
        fakes.runtime().addSandbox(POD, CriConfigs.hostNetworkPod("node-agent"));

        handler.handle(request(POD));

        assertThat(fakes.log().mutatingMethods()).containsExactly(
                "runtime.stopSandbox", "runtime.releaseNamespaces", "runtime.removeSandbox");
    }

    @Test
    void handle_unknownId_succeedsWithoutChangingAnything() {
        handler.handle(request("ff".repeat(32)));

        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_twice_secondChangesNothing() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        handler.handle(request(POD));
        fakes.log().clear();

        handler.handle(request(POD));

        assertThat(fakes.log().mutations()).isEmpty();
        assertThat(fakes.runtime().sandboxes()).isEmpty();
    }

    @Test
    void handle_removeContainerFails_podKeptAndErrorSurfaces() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        addContainer(C1, POD, ContainerState.RUNNING);
        RuntimeException failure = BerthException.failed("runc delete failed");
        fakes.runtime().failOn("removeContainer", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(POD)));

        assertThat(thrown).isSameAs(failure);
        assertThat(fakes.log().mutatingMethods()).doesNotContain("runtime.removeSandbox");
        assertThat(fakes.runtime().sandbox(POD)).isPresent();
        assertThat(fakes.images().mountedContainers()).containsExactly(C1);
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(RemovePodSandboxRequest.getDefaultInstance()), "pod_sandbox_id");
        assertThat(fakes.log().all()).isEmpty();
    }
}

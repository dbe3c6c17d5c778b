package dev.berth.server.sandbox;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.network.PodNetworkRequest;
import dev.berth.sandbox.ContainerState;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeSandboxRuntime;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.Test;

class StopPodSandboxTest {

    private static final String POD = "a1".repeat(32);
    private static final String CONTAINER = "c1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final StopPodSandbox handler = new StopPodSandbox(fakes.services());

    private static StopPodSandboxRequest request(String id) {
        return StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build();
    }

    @Test
    void handle_podNetwork_stopsContainersThenDetachesThenReleasesNamespaces() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(CONTAINER, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);

        handler.handle(request(POD));

        assertThat(fakes.log().mutations()).containsExactly(
                "runtime.stopSandbox(" + POD + ")",
                "network.detach(" + POD + ")",
                "runtime.releaseNamespaces(" + POD + ")");
        assertThat(fakes.runtime().container(CONTAINER).orElseThrow().state()).isEqualTo(ContainerState.EXITED);
        assertThat(fakes.runtime().sandbox(POD).orElseThrow().state()).isEqualTo(SandboxState.NOTREADY);
    }

    @Test
    void handle_podNetwork_detachRequestCarriesNetnsAndPodIdentity() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));

        handler.handle(request(POD));

        PodNetworkRequest detach = fakes.network().detachRequests().get(0);
        assertThat(detach.sandboxId()).isEqualTo(POD);
        assertThat(detach.netnsPath()).isEqualTo(FakeSandboxRuntime.netnsPath(POD));
        assertThat(detach.podName()).isEqualTo("web");
        assertThat(detach.podNamespace()).isEqualTo("default");
        assertThat(detach.podUid()).isEqualTo("uid-web");
    }

    @Test
    void handle_hostNetwork_skipsCni() {
        fakes.runtime().addSandbox(POD, CriConfigs.hostNetworkPod("node-agent"));

        handler.handle(request(POD));

        assertThat(fakes.log().mutations()).containsExactly(
                "runtime.stopSandbox(" + POD + ")", "runtime.releaseNamespaces(" + POD + ")");
    }

    @Test
    void handle_unknownId_succeedsWithoutChangingAnything() {
        handler.handle(request("ff".repeat(32)));

        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_alreadyStopped_succeedsAgain() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        handler.handle(request(POD));

        handler.handle(request(POD));

        assertThat(fakes.log().mutatingMethods()).containsExactly(
                "runtime.stopSandbox", "network.detach", "runtime.releaseNamespaces",
                "runtime.stopSandbox", "network.detach", "runtime.releaseNamespaces");
        assertThat(fakes.runtime().sandbox(POD).orElseThrow().state()).isEqualTo(SandboxState.NOTREADY);
    }

    @Test
    void handle_idPrefix_stopsTheMatchingPod() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addSandbox("b2".repeat(32), CriConfigs.pod("db"));

        handler.handle(request("a1a1"));

        assertThat(fakes.log().mutations()).first().isEqualTo("runtime.stopSandbox(" + POD + ")");
        assertThat(fakes.runtime().sandbox("b2".repeat(32)).orElseThrow().state()).isEqualTo(SandboxState.READY);
    }

    @Test
    void handle_detachFails_namespacesStayPinnedAndErrorSurfaces() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        RuntimeException failure = new IllegalStateException("bridge DEL failed");
        fakes.network().failOn("detach", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(POD)));

        // The netns must outlive a failed CNI DEL so that kubelet's retry can run DEL in it again.
        assertThat(thrown).isSameAs(failure);
        assertThat(fakes.log().mutatingMethods()).containsExactly("runtime.stopSandbox", "network.detach");
        assertThat(fakes.runtime().namespacesReleased(POD)).isFalse();
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(StopPodSandboxRequest.getDefaultInstance()), "pod_sandbox_id");
        assertThat(fakes.log().all()).isEmpty();
    }
}

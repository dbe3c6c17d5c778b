package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.Services;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import dev.berth.server.streaming.StreamUrls;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttachTest {

    private static final String POD = "a1".repeat(32);
    private static final String RUNNING = "c1".repeat(32);
    private static final String CREATED = "c2".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final List<AttachRequest> handedOut = new ArrayList<>();
    private final StreamUrls urls = new StreamUrls() {
        @Override
        public String exec(ExecRequest request) {
            throw new AssertionError();
        }

        @Override
        public String attach(AttachRequest request) {
            handedOut.add(request);
            return "http://127.0.0.1:1/attach/token";
        }

        @Override
        public String portForward(PortForwardRequest request) {
            throw new AssertionError();
        }
    };
    private final Attach handler = new Attach(new Services(fakes.services().config(), fakes.runtime(),
            fakes.network(), fakes.images(), urls));

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(RUNNING, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(CREATED, POD, CriConfigs.container("idle", "busybox"), ContainerState.CREATED);
    }

    @Test
    void handle_idPrefix_returnsUrlForTheFullId() {
        var response = handler.handle(AttachRequest.newBuilder().setContainerId("c1c1").setStdin(true)
                .setStdout(true).build());

        assertThat(response.getUrl()).isEqualTo("http://127.0.0.1:1/attach/token");
        assertThat(handedOut).singleElement().satisfies(r -> {
            assertThat(r.getContainerId()).isEqualTo(RUNNING);
            assertThat(r.getStdin()).isTrue();
        });
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_badRequests_areInvalid() {
        assertInvalid(() -> handler.handle(AttachRequest.newBuilder().setStdout(true).build()), "container_id");
        assertInvalid(() -> handler.handle(AttachRequest.newBuilder().setContainerId(RUNNING).build()),
                "stdout");
        assertInvalid(() -> handler.handle(AttachRequest.newBuilder().setContainerId(RUNNING).setTty(true)
                .setStdout(true).setStderr(true).build()), "stderr");
        assertThat(handedOut).isEmpty();
    }

    @Test
    void handle_unknownOrStoppedContainer_notFoundOrFailedPrecondition() {
        assertStatus(() -> handler.handle(AttachRequest.newBuilder().setContainerId("ff".repeat(32))
                .setStdout(true).build()), Status.Code.NOT_FOUND);
        assertStatus(() -> handler.handle(AttachRequest.newBuilder().setContainerId(CREATED).setStdout(true)
                .build()), Status.Code.FAILED_PRECONDITION);
    }
}

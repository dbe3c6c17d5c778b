package dev.berth.server.sandbox;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.server.Services;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import dev.berth.server.streaming.StreamUrls;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PortForwardTest {

    private static final String POD = "a1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final List<PortForwardRequest> handedOut = new ArrayList<>();
    private final StreamUrls urls = new StreamUrls() {
        @Override
        public String exec(ExecRequest request) {
            throw new AssertionError();
        }

        @Override
        public String attach(AttachRequest request) {
            throw new AssertionError();
        }

        @Override
        public String portForward(PortForwardRequest request) {
            handedOut.add(request);
            return "http://127.0.0.1:1/portforward/token";
        }
    };
    private final PortForward handler = new PortForward(new Services(fakes.services().config(), fakes.runtime(),
            fakes.network(), fakes.images(), urls));

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
    }

    @Test
    void handle_idPrefix_returnsUrlForTheFullId() {
        var response = handler.handle(PortForwardRequest.newBuilder().setPodSandboxId("a1a1").addPort(80).build());

        assertThat(response.getUrl()).isEqualTo("http://127.0.0.1:1/portforward/token");
        assertThat(handedOut).singleElement().satisfies(r -> {
            assertThat(r.getPodSandboxId()).isEqualTo(POD);
            assertThat(r.getPortList()).containsExactly(80);
        });
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_badRequests_areInvalid() {
        assertInvalid(() -> handler.handle(PortForwardRequest.getDefaultInstance()), "pod_sandbox_id");
        assertInvalid(() -> handler.handle(PortForwardRequest.newBuilder().setPodSandboxId(POD).addPort(70000)
                .build()), "port");
        assertThat(handedOut).isEmpty();
    }

    @Test
    void handle_podNotReady_failedPrecondition() {
        fakes.runtime().stopSandbox(POD);

        assertStatus(() -> handler.handle(PortForwardRequest.newBuilder().setPodSandboxId(POD).build()),
                Status.Code.FAILED_PRECONDITION);
        assertThat(handedOut).isEmpty();
    }

    @Test
    void handle_unknownPod_notFound() {
        assertStatus(() -> handler.handle(PortForwardRequest.newBuilder().setPodSandboxId("ff".repeat(32)).build()),
                Status.Code.NOT_FOUND);
    }
}

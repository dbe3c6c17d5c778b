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

class ExecTest {

    private static final String POD = "a1".repeat(32);
    private static final String RUNNING = "c1".repeat(32);
    private static final String CREATED = "c2".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final List<ExecRequest> handedOut = new ArrayList<>();
    private final StreamUrls urls = new StreamUrls() {
        @Override
        public String exec(ExecRequest request) {
            handedOut.add(request);
            return "http://127.0.0.1:1/exec/token";
        }

        @Override
        public String attach(AttachRequest request) {
            throw new AssertionError();
        }

        @Override
        public String portForward(PortForwardRequest request) {
            throw new AssertionError();
        }
    };
    private final Exec handler = new Exec(new Services(fakes.services().config(), fakes.runtime(),
            fakes.network(), fakes.images(), urls));

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(RUNNING, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(CREATED, POD, CriConfigs.container("idle", "busybox"), ContainerState.CREATED);
    }

    private static ExecRequest.Builder request(String id, String... cmd) {
        return ExecRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setStdout(true);
    }

    @Test
    void handle_idPrefix_returnsUrlForTheFullIdAndStartsNothing() {
        var response = handler.handle(request("c1c1", "ls").setStderr(true).build());

        assertThat(response.getUrl()).isEqualTo("http://127.0.0.1:1/exec/token");
        assertThat(handedOut).singleElement().satisfies(r -> {
            assertThat(r.getContainerId()).isEqualTo(RUNNING);
            assertThat(r.getCmdList()).containsExactly("ls");
            assertThat(r.getStdout()).isTrue();
            assertThat(r.getStderr()).isTrue();
        });
        assertThat(fakes.log().mutations()).as("the command starts when the client connects").isEmpty();
    }

    @Test
    void handle_missingFields_areInvalid() {
        assertInvalid(() -> handler.handle(request("", "ls").build()), "container_id");
        assertInvalid(() -> handler.handle(request(RUNNING).build()), "cmd");
        assertInvalid(() -> handler.handle(request(RUNNING, "ls").setStdout(false).build()), "stdout");
        assertInvalid(() -> handler.handle(request(RUNNING, "ls").setTty(true).setStderr(true).build()), "stderr");
        assertThat(handedOut).isEmpty();
    }

    @Test
    void handle_unknownContainer_notFound() {
        assertStatus(() -> handler.handle(request("ff".repeat(32), "ls").build()), Status.Code.NOT_FOUND);
        assertThat(handedOut).isEmpty();
    }

    @Test
    void handle_containerNotRunning_failedPrecondition() {
        assertStatus(() -> handler.handle(request(CREATED, "ls").build()), Status.Code.FAILED_PRECONDITION);
    }
}

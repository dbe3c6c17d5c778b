package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.UpdateContainerResourcesRequest;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import dev.berth.server.grpc.Errors;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpdateContainerResourcesTest {

    private static final String POD = "a1".repeat(32);
    private static final String RUNNING = "c1".repeat(32);
    private static final String EXITED = "c2".repeat(32);
    private static final LinuxContainerResources LIMITS = LinuxContainerResources.newBuilder()
            .setMemoryLimitInBytes(64L << 20).setCpuShares(512).build();

    private final Fakes fakes = Fakes.create();
    private final UpdateContainerResources handler = new UpdateContainerResources(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(RUNNING, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(EXITED, POD, CriConfigs.container("done", "busybox"), ContainerState.EXITED);
    }

    private static UpdateContainerResourcesRequest.Builder request(String id) {
        return UpdateContainerResourcesRequest.newBuilder().setContainerId(id).setLinux(LIMITS);
    }

    @Test
    void handle_running_appliesAndRecordsTheLimits() {
        handler.handle(request(RUNNING).build());

        assertThat(fakes.log().mutations())
                .containsExactly("runtime.updateContainerResources(" + RUNNING + ", " + (64L << 20) + ")");
        assertThat(fakes.runtime().container(RUNNING).orElseThrow().config().getLinux().getResources())
                .isEqualTo(LIMITS);
    }

    @Test
    void handle_exited_failedPrecondition() {
        Status status = Errors.toStatus(catchThrowable(() -> handler.handle(request(EXITED).build())));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void handle_unknown_notFound() {
        assertStatus(() -> handler.handle(request("ff".repeat(32)).build()), Status.Code.NOT_FOUND);
    }

    @Test
    void handle_withoutLinuxResources_invalid() {
        assertInvalid(() -> handler.handle(UpdateContainerResourcesRequest.newBuilder().setContainerId(RUNNING)
                .build()), "linux");
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_negativeMemoryLimit_invalidNamingTheField() {
        assertInvalid(() -> handler.handle(request(RUNNING).setLinux(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(-1)).build()), "linux.memory_limit_in_bytes");
    }

    @Test
    void handle_limitsTheKernelRefuses_invalidNamingTheFieldAndNothingApplied() {
        assertInvalid(() -> handler.handle(request(RUNNING).setLinux(LinuxContainerResources.newBuilder()
                .setCpuShares(262_145)).build()), "linux.cpu_shares");
        assertInvalid(() -> handler.handle(request(RUNNING).setLinux(LinuxContainerResources.newBuilder()
                .setCpuPeriod(1)).build()), "linux.cpu_period");
        assertInvalid(() -> handler.handle(request(RUNNING).setLinux(LinuxContainerResources.newBuilder()
                .setCpuQuota(Long.MAX_VALUE)).build()), "linux.cpu_quota");
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_runtimeRefusesAField_invalidNamingItInTheRequest() {
        fakes.runtime().failOn("updateContainerResources", BerthException.invalid("cpuset_cpus",
                "names CPUs this node does not have (it has 0-1): \"7\""));

        assertInvalid(() -> handler.handle(request(RUNNING).setLinux(LinuxContainerResources.newBuilder()
                .setCpusetCpus("7")).build()), "linux.cpuset_cpus");
    }
}

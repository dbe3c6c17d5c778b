package dev.berth.server.sandbox;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.NetworkInterfaceUsage;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxStatsRequest;
import dev.berth.sandbox.ContainerState;
import dev.berth.sandbox.InterfaceUsage;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodSandboxStatsTest {

    private static final String POD = "a1".repeat(32);
    private static final String OTHER = "b1".repeat(32);
    private static final String APP = "c1".repeat(32);
    private static final String ELSEWHERE = "c2".repeat(32);
    private static final long AT = 1_700_000_000_000_000_000L;

    private final Fakes fakes = Fakes.create();
    private final PodSandboxStats handler = new PodSandboxStats(fakes.services());
    private final PodSandboxConfig config = CriConfigs.pod("web").toBuilder()
            .putLabels("app", "web").putAnnotations("note", "x").build();

    private static PodSandboxStatsRequest request(String id) {
        return PodSandboxStatsRequest.newBuilder().setPodSandboxId(id).build();
    }

    private void seedPodWithContainer() {
        fakes.runtime().addSandbox(POD, config);
        fakes.runtime().addSandbox(OTHER, CriConfigs.pod("other"));
        fakes.runtime().addContainer(APP, POD, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(ELSEWHERE, OTHER, CriConfigs.container("x", "busybox"),
                ContainerState.RUNNING);
        fakes.runtime().setUsage(POD, new ResourceUsage(AT, 9_000, 8192, 4096, 2048, 10, 1, 0, -1, 3));
        fakes.runtime().setUsage(APP, new ResourceUsage(AT, 7_000, 4096, 2048, 1024, 5, 0, 0, -1, 2));
    }

    @Test
    void handle_readyPod_reportsAttributesCpuMemoryProcessesAndContainers() {
        seedPodWithContainer();

        dev.berth.cri.v1.PodSandboxStats stats = handler.handle(request(POD)).getStats();

        assertThat(stats.getAttributes().getId()).isEqualTo(POD);
        assertThat(stats.getAttributes().getMetadata()).isEqualTo(config.getMetadata());
        assertThat(stats.getAttributes().getLabelsMap()).containsExactlyEntriesOf(config.getLabelsMap());
        assertThat(stats.getAttributes().getAnnotationsMap()).containsExactlyEntriesOf(config.getAnnotationsMap());
        assertThat(stats.getLinux().getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(9_000);
        assertThat(stats.getLinux().getMemory().getWorkingSetBytes().getValue()).isEqualTo(4096);
        assertThat(stats.getLinux().getProcess().getProcessCount().getValue()).isEqualTo(3);
        assertThat(stats.getLinux().getProcess().getTimestamp()).isEqualTo(AT);
        assertThat(stats.getLinux().getContainersList()).singleElement().satisfies(c -> {
            assertThat(c.getAttributes().getId()).isEqualTo(APP);
            assertThat(c.getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(7_000);
        });
        assertThat(stats.getLinux().hasNetwork()).isFalse();
    }

    @Test
    void handle_podWithInterfaces_reportsThemWithEth0AsDefault() {
        seedPodWithContainer();
        fakes.runtime().setInterfaces(POD, List.of(new InterfaceUsage("net1", 1, 0, 2, 0),
                new InterfaceUsage("eth0", 1000, 1, 2000, 2)));

        var network = handler.handle(request(POD)).getStats().getLinux().getNetwork();

        assertThat(network.getInterfacesList()).extracting(NetworkInterfaceUsage::getName)
                .containsExactly("net1", "eth0");
        assertThat(network.getDefaultInterface().getName()).isEqualTo("eth0");
        assertThat(network.getDefaultInterface().getRxBytes().getValue()).isEqualTo(1000);
        assertThat(network.getDefaultInterface().getRxErrors().getValue()).isEqualTo(1);
        assertThat(network.getDefaultInterface().getTxBytes().getValue()).isEqualTo(2000);
        assertThat(network.getDefaultInterface().getTxErrors().getValue()).isEqualTo(2);
        assertThat(network.getTimestamp()).isEqualTo(AT);
    }

    @Test
    void handle_noEth0_firstInterfaceIsDefault() {
        seedPodWithContainer();
        fakes.runtime().setInterfaces(POD, List.of(new InterfaceUsage("net1", 1, 0, 2, 0),
                new InterfaceUsage("net2", 3, 0, 4, 0)));

        var network = handler.handle(request(POD)).getStats().getLinux().getNetwork();

        assertThat(network.getDefaultInterface().getName()).isEqualTo("net1");
    }

    @Test
    void handle_podCgroupGone_reportsNoCpuMemoryOrProcesses() {
        fakes.runtime().addSandbox(POD, config);

        var linux = handler.handle(request(POD)).getStats().getLinux();

        assertThat(linux.hasCpu()).isFalse();
        assertThat(linux.hasMemory()).isFalse();
        assertThat(linux.hasProcess()).isFalse();
        assertThat(linux.getContainersList()).isEmpty();
    }

    @Test
    void handle_idPrefix_resolvesThePod() {
        seedPodWithContainer();

        assertThat(handler.handle(request("a1a1")).getStats().getAttributes().getId()).isEqualTo(POD);
    }

    @Test
    void handle_stoppedPod_failedPrecondition() {
        seedPodWithContainer();
        fakes.runtime().stopSandbox(POD);

        assertStatus(() -> handler.handle(request(POD)), Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void handle_unknownPod_notFound() {
        assertStatus(() -> handler.handle(request("ff".repeat(32))), Status.Code.NOT_FOUND);
    }

    @Test
    void handle_noId_isInvalidNamingPodSandboxId() {
        assertInvalid(() -> handler.handle(PodSandboxStatsRequest.getDefaultInstance()), "pod_sandbox_id");
    }
}

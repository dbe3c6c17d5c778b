package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerStatsRequest;
import dev.berth.image.FsUsage;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerStatsTest {

    private static final String POD = "a1".repeat(32);
    private static final String APP = "c1".repeat(32);
    private static final long AT = 1_700_000_000_000_000_000L;
    private static final long MiB = 1024 * 1024;

    private final Fakes fakes = Fakes.create();
    private final ContainerStats handler = new ContainerStats(fakes.services());
    private final ContainerConfig config = CriConfigs.container("app", "busybox").toBuilder()
            .putLabels("tier", "web").putAnnotations("note", "x").build();

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.runtime().addContainer(APP, POD, config, ContainerState.RUNNING);
    }

    private static ContainerStatsRequest request(String id) {
        return ContainerStatsRequest.newBuilder().setContainerId(id).build();
    }

    @Test
    void handle_runningContainer_reportsCpuMemorySwapAndWritableLayer() {
        fakes.runtime().setUsage(APP, new ResourceUsage(AT, 5_000_000, 10 * MiB, 6 * MiB, 2 * MiB, 300, 4,
                64 * MiB, 0, 2));
        fakes.images().setContainerFsUsage(APP, new FsUsage(Path.of("/var/lib/berth/images"), 8192, 5, AT + 1));

        dev.berth.cri.v1.ContainerStats stats = handler.handle(request(APP)).getStats();

        assertThat(stats.getAttributes().getId()).isEqualTo(APP);
        assertThat(stats.getAttributes().getMetadata()).isEqualTo(config.getMetadata());
        assertThat(stats.getAttributes().getLabelsMap()).containsExactlyEntriesOf(config.getLabelsMap());
        assertThat(stats.getAttributes().getAnnotationsMap()).containsExactlyEntriesOf(config.getAnnotationsMap());
        assertThat(stats.getCpu().getTimestamp()).isEqualTo(AT);
        assertThat(stats.getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(5_000_000);
        assertThat(stats.getMemory().getUsageBytes().getValue()).isEqualTo(10 * MiB);
        assertThat(stats.getMemory().getWorkingSetBytes().getValue()).isEqualTo(6 * MiB);
        assertThat(stats.getMemory().getAvailableBytes().getValue()).isEqualTo(58 * MiB);
        assertThat(stats.getMemory().getRssBytes().getValue()).isEqualTo(2 * MiB);
        assertThat(stats.getMemory().getPageFaults().getValue()).isEqualTo(300);
        assertThat(stats.getMemory().getMajorPageFaults().getValue()).isEqualTo(4);
        assertThat(stats.getSwap().hasSwapUsageBytes()).isTrue();
        assertThat(stats.getWritableLayer().getFsId().getMountpoint()).isEqualTo("/var/lib/berth/images");
        assertThat(stats.getWritableLayer().getUsedBytes().getValue()).isEqualTo(8192);
        assertThat(stats.getWritableLayer().getInodesUsed().getValue()).isEqualTo(5);
        assertThat(stats.getWritableLayer().getTimestamp()).isEqualTo(AT + 1);
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_noLimitNoSwapNoRss_leavesThoseOut() {
        fakes.runtime().setUsage(APP, new ResourceUsage(AT, 1, 4096, 4096, -1, -1, -1, 0, -1, -1));

        dev.berth.cri.v1.ContainerStats stats = handler.handle(request(APP)).getStats();

        assertThat(stats.getMemory().hasAvailableBytes()).isFalse();
        assertThat(stats.getMemory().hasRssBytes()).isFalse();
        assertThat(stats.getMemory().hasPageFaults()).isFalse();
        assertThat(stats.hasSwap()).isFalse();
        assertThat(stats.getMemory().getWorkingSetBytes().getValue()).isEqualTo(4096);
    }

    @Test
    void handle_cgroupGone_reportsAttributesOnly() {
        fakes.runtime().stopContainer(APP, 0);

        dev.berth.cri.v1.ContainerStats stats = handler.handle(request(APP)).getStats();

        assertThat(stats.getAttributes().getId()).isEqualTo(APP);
        assertThat(stats.hasCpu()).isFalse();
        assertThat(stats.hasMemory()).isFalse();
        assertThat(stats.hasWritableLayer()).isFalse();
    }

    @Test
    void handle_idPrefix_resolvesTheContainer() {
        assertThat(handler.handle(request("c1c1")).getStats().getAttributes().getId()).isEqualTo(APP);
    }

    @Test
    void handle_unknownContainer_notFound() {
        assertStatus(() -> handler.handle(request("ff".repeat(32))), Status.Code.NOT_FOUND);
    }

    @Test
    void handle_noId_isInvalidNamingContainerId() {
        assertInvalid(() -> handler.handle(ContainerStatsRequest.getDefaultInstance()), "container_id");
    }
}

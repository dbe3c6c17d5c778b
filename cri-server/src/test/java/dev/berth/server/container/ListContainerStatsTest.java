package dev.berth.server.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.ListContainerStatsRequest;
import dev.berth.cri.v1.ListContainerStatsResponse;
import dev.berth.image.FsUsage;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListContainerStatsTest {

    private static final String POD_A = "a1".repeat(32);
    private static final String POD_B = "b1".repeat(32);
    private static final String WEB = "c1".repeat(32);
    private static final String DB = "c2".repeat(32);
    private static final String DONE = "c3".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final ListContainerStats handler = new ListContainerStats(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD_A, CriConfigs.pod("a"));
        fakes.runtime().addSandbox(POD_B, CriConfigs.pod("b"));
        fakes.runtime().addContainer(WEB, POD_A, CriConfigs.container("web", "busybox").toBuilder()
                .putLabels("tier", "front").build(), ContainerState.RUNNING);
        fakes.runtime().addContainer(DB, POD_B, CriConfigs.container("db", "busybox").toBuilder()
                .putLabels("tier", "back").build(), ContainerState.RUNNING);
        fakes.runtime().addContainer(DONE, POD_A, CriConfigs.container("job", "busybox"), ContainerState.EXITED);
        fakes.runtime().setUsage(WEB, usage(111));
        fakes.runtime().setUsage(DB, usage(222));
        fakes.images().setContainerFsUsage(WEB, new FsUsage(Path.of("/images"), 10, 1, 1));
        fakes.images().setContainerFsUsage(DONE, new FsUsage(Path.of("/images"), 30, 3, 1));
    }

    private static ResourceUsage usage(long cpu) {
        return new ResourceUsage(1_000, cpu, 4096, 2048, 1024, 1, 0, 0, -1, 1);
    }

    private List<String> ids(ContainerStatsFilter filter) {
        ListContainerStatsResponse response = handler.handle(
                ListContainerStatsRequest.newBuilder().setFilter(filter).build());
        return response.getStatsList().stream().map(s -> s.getAttributes().getId()).toList();
    }

    @Test
    void handle_noFilter_listsEveryContainerOldestFirst() {
        assertThat(ids(ContainerStatsFilter.getDefaultInstance())).containsExactly(WEB, DB, DONE);
    }

    @Test
    void handle_noFilter_givesEachContainerItsOwnUsage() {
        ListContainerStatsResponse response = handler.handle(ListContainerStatsRequest.getDefaultInstance());

        assertThat(response.getStats(0).getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(111);
        assertThat(response.getStats(0).getWritableLayer().getUsedBytes().getValue()).isEqualTo(10);
        assertThat(response.getStats(1).getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(222);
        assertThat(response.getStats(1).hasWritableLayer()).isFalse();
    }

    @Test
    void handle_exitedContainerWithoutCgroup_listedWithAttributesAndLayerOnly() {
        var stats = handler.handle(ListContainerStatsRequest.getDefaultInstance()).getStats(2);

        assertThat(stats.getAttributes().getId()).isEqualTo(DONE);
        assertThat(stats.hasCpu()).isFalse();
        assertThat(stats.hasMemory()).isFalse();
        assertThat(stats.getWritableLayer().getUsedBytes().getValue()).isEqualTo(30);
    }

    @Test
    void handle_idPrefixFilter_selectsThatContainer() {
        assertThat(ids(ContainerStatsFilter.newBuilder().setId("c2c2").build())).containsExactly(DB);
    }

    @Test
    void handle_podFilter_selectsThePodsContainers() {
        assertThat(ids(ContainerStatsFilter.newBuilder().setPodSandboxId(POD_A).build())).containsExactly(WEB, DONE);
    }

    @Test
    void handle_labelSelector_selectsMatchingContainers() {
        assertThat(ids(ContainerStatsFilter.newBuilder().putLabelSelector("tier", "back").build()))
                .containsExactly(DB);
    }

    @Test
    void handle_filterMatchingNothing_isEmpty() {
        assertThat(ids(ContainerStatsFilter.newBuilder().setPodSandboxId(POD_B)
                .putLabelSelector("tier", "front").build())).isEmpty();
    }
}

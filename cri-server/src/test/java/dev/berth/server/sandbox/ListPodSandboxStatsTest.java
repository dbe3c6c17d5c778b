package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ListPodSandboxStatsRequest;
import dev.berth.cri.v1.PodSandboxStatsFilter;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListPodSandboxStatsTest {

    private static final String WEB = "a1".repeat(32);
    private static final String DB = "a2".repeat(32);
    private static final String STOPPED = "a3".repeat(32);
    private static final String WEB_APP = "c1".repeat(32);
    private static final String DB_APP = "c2".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final ListPodSandboxStats handler = new ListPodSandboxStats(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(WEB, CriConfigs.pod("web").toBuilder().putLabels("tier", "front").build());
        fakes.runtime().addSandbox(DB, CriConfigs.pod("db").toBuilder().putLabels("tier", "back").build());
        fakes.runtime().addSandbox(STOPPED, CriConfigs.pod("old").toBuilder().putLabels("tier", "front").build());
        fakes.runtime().stopSandbox(STOPPED);
        fakes.runtime().addContainer(WEB_APP, WEB, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().addContainer(DB_APP, DB, CriConfigs.container("app", "busybox"), ContainerState.RUNNING);
        fakes.runtime().setUsage(WEB, new ResourceUsage(1, 100, 10, 5, 1, 0, 0, 0, -1, 1));
        fakes.runtime().setUsage(DB, new ResourceUsage(1, 200, 20, 10, 2, 0, 0, 0, -1, 1));
    }

    private List<String> ids(PodSandboxStatsFilter filter) {
        return handler.handle(ListPodSandboxStatsRequest.newBuilder().setFilter(filter).build()).getStatsList()
                .stream().map(s -> s.getAttributes().getId()).toList();
    }

    @Test
    void handle_noFilter_listsReadyPodsOnlyOldestFirst() {
        assertThat(ids(PodSandboxStatsFilter.getDefaultInstance())).containsExactly(WEB, DB);
    }

    @Test
    void handle_noFilter_givesEachPodItsOwnUsageAndContainers() {
        var stats = handler.handle(ListPodSandboxStatsRequest.getDefaultInstance()).getStatsList();

        assertThat(stats.get(0).getLinux().getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(100);
        assertThat(stats.get(0).getLinux().getContainersList()).extracting(c -> c.getAttributes().getId())
                .containsExactly(WEB_APP);
        assertThat(stats.get(1).getLinux().getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(200);
        assertThat(stats.get(1).getLinux().getContainersList()).extracting(c -> c.getAttributes().getId())
                .containsExactly(DB_APP);
    }

    @Test
    void handle_idPrefixFilter_selectsThatPod() {
        assertThat(ids(PodSandboxStatsFilter.newBuilder().setId("a2a2").build())).containsExactly(DB);
    }

    @Test
    void handle_labelSelector_selectsReadyMatchingPods() {
        assertThat(ids(PodSandboxStatsFilter.newBuilder().putLabelSelector("tier", "front").build()))
                .containsExactly(WEB);
    }

    @Test
    void handle_stoppedPodById_isLeftOut() {
        assertThat(ids(PodSandboxStatsFilter.newBuilder().setId(STOPPED).build())).isEmpty();
    }
}

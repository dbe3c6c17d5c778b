package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.PodSandbox;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxFilter;
import dev.berth.cri.v1.PodSandboxState;
import dev.berth.cri.v1.PodSandboxStateValue;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListPodSandboxTest {

    private static final String WEB = "a1".repeat(32);
    private static final String WEB2 = "a2".repeat(32);
    private static final String DB = "b1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final ListPodSandbox handler = new ListPodSandbox(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(WEB, pod("web", Map.of("app", "web", "tier", "front")));
        fakes.runtime().addSandbox(DB, pod("db", Map.of("app", "db", "tier", "back")));
        SandboxInfo web2 = fakes.runtime().addSandbox(WEB2, pod("web2", Map.of("app", "web", "tier", "back")));
        fakes.runtime().put(new SandboxInfo(WEB2, web2.config(), "", web2.createdAtNanos(), SandboxState.NOTREADY,
                web2.netnsPath(), "", List.of(), web2.cgroupParent()));
    }

    private static PodSandboxConfig pod(String name, Map<String, String> labels) {
        return CriConfigs.pod(name).toBuilder().putAllLabels(labels).putAnnotations("owner", name).build();
    }

    private List<String> ids(PodSandboxFilter filter) {
        return handler.handle(ListPodSandboxRequest.newBuilder().setFilter(filter).build()).getItemsList().stream()
                .map(PodSandbox::getId).toList();
    }

    @Test
    void handle_noFilter_everyPodOldestFirst() {
        String old = "c1".repeat(32);
        fakes.runtime().put(new SandboxInfo(old, pod("old", Map.of()), "", 1, SandboxState.READY, null, "",
                List.of(), "/berth/old"));

        List<String> ids = handler.handle(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
                .map(PodSandbox::getId).toList();

        assertThat(ids).containsExactly(old, WEB, DB, WEB2);
    }

    @Test
    void handle_fullId_onlyThatPod() {
        assertThat(ids(PodSandboxFilter.newBuilder().setId(DB).build())).containsExactly(DB);
    }

    @Test
    void handle_idPrefix_podsStartingWithIt() {
        assertThat(ids(PodSandboxFilter.newBuilder().setId("a").build())).containsExactly(WEB, WEB2);
    }

    @Test
    void handle_unknownId_empty() {
        assertThat(ids(PodSandboxFilter.newBuilder().setId("ff").build())).isEmpty();
    }

    @Test
    void handle_stateNotReady_onlyStoppedPods() {
        assertThat(ids(PodSandboxFilter.newBuilder()
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_NOTREADY)).build()))
                .containsExactly(WEB2);
    }

    @Test
    void handle_stateReady_onlyReadyPods() {
        assertThat(ids(PodSandboxFilter.newBuilder()
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY)).build()))
                .containsExactly(WEB, DB);
    }

    @Test
    void handle_labelSelector_podsWithEveryEntry() {
        assertThat(ids(PodSandboxFilter.newBuilder().putLabelSelector("app", "web").build()))
                .containsExactly(WEB, WEB2);
        assertThat(ids(PodSandboxFilter.newBuilder().putLabelSelector("app", "web").putLabelSelector("tier", "back")
                .build())).containsExactly(WEB2);
    }

    @Test
    void handle_labelSelectorForMissingLabel_empty() {
        assertThat(ids(PodSandboxFilter.newBuilder().putLabelSelector("team", "x").build())).isEmpty();
    }

    @Test
    void handle_idPrefixStateAndLabels_allMustMatch() {
        assertThat(ids(PodSandboxFilter.newBuilder().setId("a")
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))
                .putLabelSelector("app", "web").build())).containsExactly(WEB);
    }

    @Test
    void handle_item_carriesMetadataStateLabelsAnnotationsAndTime() {
        SandboxInfo db = fakes.runtime().sandbox(DB).orElseThrow();

        PodSandbox item = handler.handle(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().setId(DB)).build()).getItems(0);

        assertThat(item.getMetadata().getName()).isEqualTo("db");
        assertThat(item.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(item.getCreatedAt()).isEqualTo(db.createdAtNanos());
        assertThat(item.getLabelsMap()).containsEntry("app", "db").containsEntry("tier", "back");
        assertThat(item.getAnnotationsMap()).containsExactly(Map.entry("owner", "db"));
    }
}

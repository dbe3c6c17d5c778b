package dev.berth.server.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.Container;
import dev.berth.cri.v1.ContainerFilter;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStateValue;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.Fakes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListContainersTest {

    private static final String POD_A = "a1".repeat(32);
    private static final String POD_B = "b1".repeat(32);
    private static final String WEB = "c1".repeat(32);
    private static final String SIDECAR = "c2".repeat(32);
    private static final String DB = "d1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final ListContainers handler = new ListContainers(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD_A, CriConfigs.pod("web"));
        fakes.runtime().addSandbox(POD_B, CriConfigs.pod("db"));
        fakes.runtime().addContainer(WEB, POD_A, container("web", Map.of("app", "web", "role", "main")),
                dev.berth.sandbox.ContainerState.RUNNING);
        fakes.runtime().addContainer(SIDECAR, POD_A, container("proxy", Map.of("app", "web", "role", "sidecar")),
                dev.berth.sandbox.ContainerState.EXITED);
        fakes.runtime().addContainer(DB, POD_B, container("db", Map.of("app", "db", "role", "main")),
                dev.berth.sandbox.ContainerState.CREATED);
    }

    private static dev.berth.cri.v1.ContainerConfig container(String name, Map<String, String> labels) {
        return CriConfigs.container(name, "busybox").toBuilder().putAllLabels(labels)
                .putAnnotations("owner", name).build();
    }

    private List<String> ids(ContainerFilter filter) {
        return handler.handle(ListContainersRequest.newBuilder().setFilter(filter).build()).getContainersList()
                .stream().map(Container::getId).toList();
    }

    private static ContainerFilter state(ContainerState state) {
        return ContainerFilter.newBuilder().setState(ContainerStateValue.newBuilder().setState(state)).build();
    }

    @Test
    void handle_noFilter_everyContainerOldestFirst() {
        ContainerInfo web = fakes.runtime().container(WEB).orElseThrow();
        String old = "e1".repeat(32);
        fakes.runtime().put(new ContainerInfo(old, POD_B, container("old", Map.of()), web.imageId(), web.imageRef(),
                1, 0, 0, 0, "", "", "", 0, dev.berth.sandbox.ContainerState.CREATED));

        List<String> ids = handler.handle(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                .map(Container::getId).toList();

        assertThat(ids).containsExactly(old, WEB, SIDECAR, DB);
    }

    @Test
    void handle_idPrefix_containersStartingWithIt() {
        assertThat(ids(ContainerFilter.newBuilder().setId("c").build())).containsExactly(WEB, SIDECAR);
        assertThat(ids(ContainerFilter.newBuilder().setId(DB).build())).containsExactly(DB);
    }

    @Test
    void handle_podSandboxId_onlyThatPodsContainers() {
        assertThat(ids(ContainerFilter.newBuilder().setPodSandboxId(POD_A).build())).containsExactly(WEB, SIDECAR);
    }

    @Test
    void handle_podSandboxIdPrefix_onlyThatPodsContainers() {
        assertThat(ids(ContainerFilter.newBuilder().setPodSandboxId("b1b1").build())).containsExactly(DB);
    }

    @Test
    void handle_unknownPod_empty() {
        assertThat(ids(ContainerFilter.newBuilder().setPodSandboxId("ff".repeat(32)).build())).isEmpty();
    }

    @Test
    void handle_state_onlyContainersInIt() {
        assertThat(ids(state(ContainerState.CONTAINER_RUNNING))).containsExactly(WEB);
        assertThat(ids(state(ContainerState.CONTAINER_EXITED))).containsExactly(SIDECAR);
        assertThat(ids(state(ContainerState.CONTAINER_CREATED))).containsExactly(DB);
    }

    @Test
    void handle_labelSelector_containersWithEveryEntry() {
        assertThat(ids(ContainerFilter.newBuilder().putLabelSelector("role", "main").build()))
                .containsExactly(WEB, DB);
        assertThat(ids(ContainerFilter.newBuilder().putLabelSelector("role", "main").putLabelSelector("app", "web")
                .build())).containsExactly(WEB);
        assertThat(ids(ContainerFilter.newBuilder().putLabelSelector("role", "batch").build())).isEmpty();
    }

    @Test
    void handle_podStateAndLabels_allMustMatch() {
        assertThat(ids(state(ContainerState.CONTAINER_EXITED).toBuilder().setPodSandboxId(POD_A)
                .putLabelSelector("app", "web").build())).containsExactly(SIDECAR);
        assertThat(ids(state(ContainerState.CONTAINER_RUNNING).toBuilder().setPodSandboxId(POD_B).build()))
                .isEmpty();
    }

    @Test
    void handle_item_carriesPodMetadataImageStateLabelsAndTime() {
        ContainerInfo web = fakes.runtime().container(WEB).orElseThrow();

        Container item = handler.handle(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().setId(WEB)).build()).getContainers(0);

        assertThat(item.getPodSandboxId()).isEqualTo(POD_A);
        assertThat(item.getMetadata().getName()).isEqualTo("web");
        assertThat(item.getImage().getImage()).isEqualTo("busybox");
        assertThat(item.getImageRef()).isEqualTo(web.imageRef());
        assertThat(item.getImageId()).isEqualTo(web.imageId());
        assertThat(item.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(item.getCreatedAt()).isEqualTo(web.createdAtNanos());
        assertThat(item.getLabelsMap()).containsEntry("app", "web").containsEntry("role", "main");
        assertThat(item.getAnnotationsMap()).containsExactly(Map.entry("owner", "web"));
    }
}

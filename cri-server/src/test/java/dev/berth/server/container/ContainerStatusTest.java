package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.ContainerStatusResponse;
import dev.berth.cri.v1.ContainerUser;
import dev.berth.cri.v1.LinuxContainerUser;
import dev.berth.cri.v1.Mount;
import dev.berth.oci.UserSpec;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeSandboxRuntime;
import dev.berth.server.fakes.Fakes;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerStatusTest {

    private static final String POD = "a1".repeat(32);
    private static final String CONTAINER = "c1".repeat(32);
    private static final ContainerConfig CONFIG = CriConfigs.container("app", "busybox:1.36").toBuilder()
            .putLabels("io.kubernetes.container.name", "app")
            .putAnnotations("io.kubernetes.container.restartCount", "2")
            .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("/srv/data"))
            .build();

    private final Fakes fakes = Fakes.create();
    private final ContainerStatus handler = new ContainerStatus(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
    }

    private static ContainerStatusRequest request(String id) {
        return ContainerStatusRequest.newBuilder().setContainerId(id).build();
    }

    @Test
    void handle_exited_reportsStateTimesExitCodeReasonImageAndLogPath() {
        ContainerInfo info = new ContainerInfo(CONTAINER, POD, CONFIG, "sha256:" + "e4".repeat(32),
                "docker.io/library/busybox@sha256:" + "4e".repeat(32), 100, 200, 300, 1, "Error", "exit status 1",
                "/var/log/pods/web/app/0.log", 0, dev.berth.sandbox.ContainerState.EXITED);
        fakes.runtime().put(info);

        dev.berth.cri.v1.ContainerStatus status = handler.handle(request(CONTAINER)).getStatus();

        assertThat(status.getId()).isEqualTo(CONTAINER);
        assertThat(status.getMetadata().getName()).isEqualTo("app");
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getCreatedAt()).isEqualTo(100);
        assertThat(status.getStartedAt()).isEqualTo(200);
        assertThat(status.getFinishedAt()).isEqualTo(300);
        assertThat(status.getExitCode()).isEqualTo(1);
        assertThat(status.getReason()).isEqualTo("Error");
        assertThat(status.getMessage()).isEqualTo("exit status 1");
        assertThat(status.getImage().getImage()).isEqualTo("busybox:1.36");
        assertThat(status.getImageRef()).isEqualTo(info.imageRef());
        assertThat(status.getImageId()).isEqualTo(info.imageId());
        assertThat(status.getLogPath()).isEqualTo("/var/log/pods/web/app/0.log");
        assertThat(status.getLabelsMap()).containsEntry("io.kubernetes.container.name", "app");
        assertThat(status.getAnnotationsMap()).containsEntry("io.kubernetes.container.restartCount", "2");
        assertThat(status.getMountsList()).containsExactlyElementsOf(CONFIG.getMountsList());
    }

    @Test
    void handle_eachRuntimeState_mapsToTheCriState() {
        String created = "c2".repeat(32);
        String running = "c3".repeat(32);
        String unknown = "c4".repeat(32);
        fakes.runtime().addContainer(created, POD, CONFIG, dev.berth.sandbox.ContainerState.CREATED);
        fakes.runtime().addContainer(running, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);
        fakes.runtime().addContainer(unknown, POD, CONFIG, dev.berth.sandbox.ContainerState.UNKNOWN);

        assertThat(handler.handle(request(created)).getStatus().getState())
                .isEqualTo(ContainerState.CONTAINER_CREATED);
        assertThat(handler.handle(request(running)).getStatus().getState())
                .isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(handler.handle(request(unknown)).getStatus().getState())
                .isEqualTo(ContainerState.CONTAINER_UNKNOWN);
    }

    @Test
    void handle_idPrefix_reportsTheFullId() {
        fakes.runtime().addContainer(CONTAINER, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);

        assertThat(handler.handle(request("c1c1")).getStatus().getId()).isEqualTo(CONTAINER);
    }

    @Test
    void handle_ambiguousPrefix_invalidNamingContainerId() {
        fakes.runtime().addContainer(CONTAINER, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);
        fakes.runtime().addContainer("c2".repeat(32), POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);

        assertInvalid(() -> handler.handle(request("c")), "container_id");
    }

    @Test
    void handle_unknownId_notFound() {
        Status status = assertStatus(() -> handler.handle(request("ff".repeat(32))), Status.Code.NOT_FOUND);

        assertThat(status.getDescription()).contains("ff".repeat(32));
    }

    @Test
    void handle_verbose_infoHasPidAndSandboxId() {
        fakes.runtime().addContainer(CONTAINER, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);

        ContainerStatusResponse response = handler.handle(request(CONTAINER).toBuilder().setVerbose(true).build());

        assertThat(response.getInfoMap().get("info"))
                .contains("\"pid\":" + FakeSandboxRuntime.PID)
                .contains("\"sandboxID\":\"" + POD + "\"");
    }

    @Test
    void handle_notVerbose_noInfo() {
        fakes.runtime().addContainer(CONTAINER, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);

        assertThat(handler.handle(request(CONTAINER)).getInfoMap()).isEmpty();
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(ContainerStatusRequest.getDefaultInstance()), "container_id");
    }

    @Test
    void handle_containerWithLimits_reportsThemAsResources() {
        ContainerConfig limited = CONFIG.toBuilder().setLinux(dev.berth.cri.v1.LinuxContainerConfig.newBuilder()
                .setResources(dev.berth.cri.v1.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(1 << 26)))
                .build();
        fakes.runtime().addContainer(CONTAINER, POD, limited, dev.berth.sandbox.ContainerState.RUNNING);

        var status = handler.handle(request(CONTAINER)).getStatus();

        assertThat(status.getResources().getLinux().getMemoryLimitInBytes()).isEqualTo(1 << 26);
    }

    @Test
    void handle_containerWithoutLimits_reportsNoResources() {
        fakes.runtime().addContainer(CONTAINER, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);

        assertThat(handler.handle(request(CONTAINER)).getStatus().hasResources()).isFalse();
    }

    @Test
    void handle_containerWithResolvedUser_reportsUidGidAndGroups() {
        ContainerInfo seeded = fakes.runtime().addContainer(CONTAINER, POD, CONFIG,
                dev.berth.sandbox.ContainerState.RUNNING);
        fakes.runtime().put(withUser(seeded, new UserSpec(1000, 3000, List.of(3000L, 4000L, 50L), "/home/app")));

        var status = handler.handle(request(CONTAINER)).getStatus();

        assertThat(status.getUser()).isEqualTo(ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder()
                .setUid(1000).setGid(3000).addAllSupplementalGroups(List.of(3000L, 4000L, 50L))).build());
    }

    @Test
    void handle_containerWithoutRecordedUser_reportsNoUser() {
        fakes.runtime().addContainer(CONTAINER, POD, CONFIG, dev.berth.sandbox.ContainerState.RUNNING);

        assertThat(handler.handle(request(CONTAINER)).getStatus().hasUser()).isFalse();
    }

    @Test
    void handle_recursiveReadOnlyMount_reportedAsRequested() {
        ContainerConfig config = CONFIG.toBuilder().addMounts(Mount.newBuilder().setContainerPath("/rro")
                .setHostPath("/srv/rro").setReadonly(true).setRecursiveReadOnly(true)).build();
        fakes.runtime().addContainer(CONTAINER, POD, config, dev.berth.sandbox.ContainerState.RUNNING);

        var mounts = handler.handle(request(CONTAINER)).getStatus().getMountsList();

        assertThat(mounts).extracting(Mount::getContainerPath, Mount::getReadonly, Mount::getRecursiveReadOnly)
                .containsExactly(tuple("/data", false, false), tuple("/rro", true, true));
    }

    private static ContainerInfo withUser(ContainerInfo c, UserSpec user) {
        return new ContainerInfo(c.id(), c.sandboxId(), c.config(), c.imageId(), c.imageRef(), c.createdAtNanos(),
                c.startedAtNanos(), c.finishedAtNanos(), c.exitCode(), c.reason(), c.message(), c.logPath(),
                c.pid(), c.state(), user);
    }
}

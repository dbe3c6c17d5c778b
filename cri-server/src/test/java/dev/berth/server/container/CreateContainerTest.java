package dev.berth.server.container;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.Int64Value;
import dev.berth.cri.v1.KeyValue;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.Mount;
import dev.berth.host.BerthException;
import dev.berth.image.Image;
import dev.berth.image.ImageConfig;
import dev.berth.oci.ImageSpec;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.FakeSandboxRuntime.ContainerCreation;
import dev.berth.server.fakes.Fakes;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreateContainerTest {

    private static final String POD = "a1".repeat(32);
    private static final String TAG = "docker.io/library/nginx:1.27";
    private static final Image IMAGE = FakeImages.image("e4", TAG, new ImageConfig(
            List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"), List.of("NGINX_VERSION=1.27"),
            "/usr/share/nginx", "101:101", Map.of(), "SIGQUIT", List.of(), List.of("80/tcp")));

    private final Fakes fakes = Fakes.create();
    private final CreateContainer handler = new CreateContainer(fakes.services());

    @BeforeEach
    void seed() {
        fakes.runtime().addSandbox(POD, CriConfigs.pod("web"));
        fakes.images().add(IMAGE);
    }

    private static CreateContainerRequest request(String podId, ContainerConfig config) {
        return CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(config)
                .setSandboxConfig(CriConfigs.pod("web")).build();
    }

    @Test
    void handle_knownImage_mountsRootfsThenCreatesContainer() {
        String id = handler.handle(request(POD, CriConfigs.container("nginx", "nginx:1.27"))).getContainerId();

        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(fakes.log().mutations()).containsExactly(
                "images.mountRootfs(" + id + ", " + IMAGE.id() + ")",
                "runtime.createContainer(" + id + ", " + POD + ")");
        assertThat(fakes.images().rootfsImage(id)).contains(IMAGE.id());
    }

    @Test
    void handle_knownImage_passesRootfsImageConfigIdAndDigestRef() {
        ContainerConfig config = CriConfigs.container("nginx", "nginx:1.27");

        String id = handler.handle(request(POD, config)).getContainerId();

        ContainerCreation creation = fakes.runtime().creation(id).orElseThrow();
        assertThat(creation.sandboxId()).isEqualTo(POD);
        assertThat(creation.config()).isEqualTo(config);
        assertThat(creation.rootfs()).isEqualTo(FakeImages.rootfsPath(id));
        assertThat(creation.imageId()).isEqualTo(IMAGE.id());
        assertThat(creation.imageRef()).isEqualTo(IMAGE.repoDigests().get(0));
        assertThat(creation.image()).isEqualTo(new ImageSpec(List.of("/docker-entrypoint.sh"),
                List.of("nginx", "-g", "daemon off;"), List.of("NGINX_VERSION=1.27"), "/usr/share/nginx", "101:101",
                "SIGQUIT"));
    }

    @Test
    void handle_imageWithoutRepoDigest_imageRefIsId() {
        Image local = new Image("sha256:" + "f5".repeat(32), List.of("docker.io/library/local:dev"), List.of(), 1,
                IMAGE.config());
        fakes.images().add(local);

        String id = handler.handle(request(POD, CriConfigs.container("app", "local:dev"))).getContainerId();

        assertThat(fakes.runtime().creation(id).orElseThrow().imageRef()).isEqualTo(local.id());
    }

    @Test
    void handle_sandboxIdPrefix_createsInTheFullId() {
        String id = handler.handle(request("a1a1", CriConfigs.container("nginx", TAG))).getContainerId();

        assertThat(fakes.runtime().creation(id).orElseThrow().sandboxId()).isEqualTo(POD);
    }

    @Test
    void handle_runtimeFails_unmountsRootfsAndRethrows() {
        RuntimeException failure = BerthException.failed("runc create failed");
        fakes.runtime().failOn("createContainer", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(POD, CriConfigs.container("nginx", TAG))));

        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).isEmpty();
        assertThat(fakes.log().mutatingMethods()).containsExactly(
                "images.mountRootfs", "runtime.createContainer", "images.unmountRootfs");
        assertThat(fakes.images().mountedContainers()).isEmpty();
    }

    @Test
    void handle_runtimeAndUnmountFail_originalErrorCarriesUnmountFailure() {
        RuntimeException failure = BerthException.failed("runc create failed");
        RuntimeException unmount = BerthException.failed("device busy");
        fakes.runtime().failOn("createContainer", failure);
        fakes.images().failOn("unmountRootfs", unmount);

        Throwable thrown = catchThrowable(() -> handler.handle(request(POD, CriConfigs.container("nginx", TAG))));

        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).containsExactly(unmount);
    }

    @Test
    void handle_mountFails_runtimeNotCalled() {
        RuntimeException failure = BerthException.failed("layer missing");
        fakes.images().failOn("mountRootfs", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(POD, CriConfigs.container("nginx", TAG))));

        assertThat(thrown).isSameAs(failure);
        assertThat(fakes.log().mutatingMethods()).containsExactly("images.mountRootfs");
    }

    @Test
    void handle_stoppedSandbox_runtimeRefusesAndRootfsUnmounted() {
        fakes.runtime().stopSandbox(POD);
        fakes.log().clear();

        Throwable thrown = catchThrowable(() -> handler.handle(request(POD, CriConfigs.container("nginx", TAG))));

        assertThat(thrown).isInstanceOf(BerthException.FailedPrecondition.class);
        assertThat(fakes.log().mutatingMethods()).containsExactly(
                "images.mountRootfs", "runtime.createContainer", "images.unmountRootfs");
        assertThat(fakes.images().mountedContainers()).isEmpty();
    }

    @Test
    void handle_unknownSandbox_notFoundAndNothingMounted() {
        Status status = assertStatus(() -> handler.handle(request("ff".repeat(32),
                CriConfigs.container("nginx", TAG))), Status.Code.NOT_FOUND);

        assertThat(status.getDescription()).contains("pod sandbox");
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_imageNotPulled_notFoundAndNothingMounted() {
        Status status = assertStatus(() -> handler.handle(request(POD, CriConfigs.container("app", "redis:7"))),
                Status.Code.NOT_FOUND);

        assertThat(status.getDescription()).contains("redis:7");
        assertThat(fakes.log().mutations()).isEmpty();
    }

    @Test
    void handle_relativeMountPath_invalidAndNothingMounted() {
        ContainerConfig config = CriConfigs.container("nginx", TAG).toBuilder()
                .addMounts(Mount.newBuilder().setContainerPath("data").setHostPath("/srv/data")).build();

        assertInvalid(() -> handler.handle(request(POD, config)), "config.mounts[0].container_path");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_nulInAnEnvironmentName_invalidAndNothingMounted() {
        ContainerConfig config = CriConfigs.container("nginx", TAG).toBuilder()
                .addEnvs(KeyValue.newBuilder().setKey("nul\0byte").setValue(ByteString.copyFromUtf8("1"))).build();

        assertInvalid(() -> handler.handle(request(POD, config)), "config.envs[0].key");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_missingImage_invalid() {
        ContainerConfig config = CriConfigs.container("nginx", "");

        assertInvalid(() -> handler.handle(request(POD, config)), "config.image.image");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_runAsGroupWithoutUser_invalidAndNothingMounted() {
        ContainerConfig config = CriConfigs.container("nginx", TAG).toBuilder()
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder().setRunAsGroup(Int64Value.newBuilder().setValue(10))))
                .build();

        assertInvalid(() -> handler.handle(request(POD, config)), "config.linux.security_context.run_as_group");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_runAsGroupWithUser_isAccepted() {
        ContainerConfig config = CriConfigs.container("nginx", TAG).toBuilder()
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder()
                                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                                .setRunAsGroup(Int64Value.newBuilder().setValue(10))))
                .build();

        handler.handle(request(POD, config));

        assertThat(fakes.log().mutations()).anyMatch(call -> call.startsWith("runtime.createContainer("));
    }

    @Test
    void handle_runtimeRefusesAField_invalidNamingItInTheRequestAndRootfsUnmounted() {
        fakes.runtime().failOn("createContainer", BerthException.invalid("command[0]",
                "names \"sl\", which cannot be run in the container: executable file not found in $PATH"));

        assertInvalid(() -> handler.handle(request(POD, CriConfigs.container("nginx", TAG))), "config.command[0]");
        assertThat(fakes.images().mountedContainers()).isEmpty();
    }

    @Test
    void handle_idsOutsideThirtyTwoBits_invalidAndNothingMounted() {
        ContainerConfig group = CriConfigs.container("nginx", TAG).toBuilder().setLinux(LinuxContainerConfig
                .newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(0))
                        .setRunAsGroup(Int64Value.newBuilder().setValue(-1)))).build();
        ContainerConfig supplemental = CriConfigs.container("nginx", TAG).toBuilder().setLinux(LinuxContainerConfig
                .newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .addSupplementalGroups(1L << 32))).build();

        assertInvalid(() -> handler.handle(request(POD, group)), "config.linux.security_context.run_as_group.value");
        assertInvalid(() -> handler.handle(request(POD, supplemental)),
                "config.linux.security_context.supplemental_groups[0]");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_controlCharacterInTheName_invalidAndNothingMounted() {
        ContainerConfig config = CriConfigs.container("nul\0byte", TAG);

        assertInvalid(() -> handler.handle(request(POD, config)), "config.metadata.name");
        assertThat(fakes.log().all()).isEmpty();
    }
}

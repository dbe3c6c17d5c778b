package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxState;
import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.fixtures.LayerBuilder;
import dev.berth.fixtures.Leaks;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth's root on a small tmpfs that fills up, as a node's disk does before kubelet evicts pods: stopping,
 * statuses, lists and removal keep working, a create or pull that finds no space fails with RESOURCE_EXHAUSTED
 * and leaves nothing, and once space is freed Berth works again by itself.
 */
class FullDiskIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:full";
    private static final String BIG_IMAGE = "registry.k8s.io/e2e/big:full";

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;
    static Path root;

    @BeforeAll
    static void startDaemon() throws Exception {
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "full");
        byte[] noise = new byte[2 << 20];
        new Random(7).nextBytes(noise);
        TestImages.pushBusybox(registry.endpoint(), "e2e/big", "full", Map.of(),
                List.of(new LayerBuilder().file("noise", noise, 0644).tar()));
        Path berth = Files.createDirectories(dir.resolve("berth"));
        root = Files.createDirectories(berth.resolve("root"));
        assertThat(PodLifecycleIT.run("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "berth-full", root.toString()))
                .as("mount a tmpfs for Berth's root").isZero();
        daemon = DaemonProcess.start(berth, registry.endpoint());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                Files.deleteIfExists(root.resolve("filler"));
                for (var p : daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                        .getItemsList()) {
                    removePod(p.getId());
                }
                daemon.close();
            }
        } finally {
            if (root != null) {
                PodLifecycleIT.run("umount", root.toString());
            }
            if (daemon != null) {
                daemon.removeBridgeAndCgroupParent();
            }
            if (registry != null) {
                registry.close();
            }
            assertThat(Leaks.mounts()).as("mounts").noneMatch(m -> m.startsWith(dir.toString()));
        }
    }

    @Test
    void fullRoot_stopStatusListRemoveWork_createAndPullFailCleanly_andSpaceReturning_heals() throws Exception {
        pull(IMAGE);
        PodSandboxConfig pod = daemon.podConfig("full", "full");
        String podId = daemon.runPod(pod);
        String running = daemon.startContainer(podId, pod, IMAGE, sleeper("running"));
        PodSandboxConfig other = daemon.podConfig("full", "other");
        String otherId = daemon.runPod(other);
        daemon.startContainer(otherId, other, IMAGE, sleeper("doomed"));

        fill(root);

        // reads, stops and removals
        assertThat(daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .hasSize(2);
        assertThat(daemon.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersList()).hasSize(2);
        assertThat(daemon.containerStatus(running).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        daemon.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(running).setTimeout(0)
                .build());
        assertThat(daemon.containerStatus(running).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        removePod(otherId);
        assertThat(daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .extracting(p -> p.getId()).containsExactly(podId);

        // making something needs space: a clear error, nothing left (the removal freed some: take it too)
        fill(root);
        Set<String> rootfsBefore = entries(root.resolve("images/containers"));
        Set<String> blobsBefore = entries(root.resolve("images/blobs/sha256"));
        Set<String> layersBefore = entries(root.resolve("images/layers"));
        assertThatThrownBy(() -> daemon.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setSandboxConfig(pod)
                .setConfig(sleeper("late").setImage(ImageSpec.newBuilder().setImage(IMAGE))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThatThrownBy(() -> pull(BIG_IMAGE)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(daemon.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersList()).as("containers").extracting(c -> c.getId()).containsExactly(running);
        assertThat(entries(root.resolve("images/containers"))).as("rootfs dirs").isEqualTo(rootfsBefore);
        assertThat(entries(root.resolve("images/blobs/sha256"))).as("blobs").isEqualTo(blobsBefore);
        assertThat(entries(root.resolve("images/layers"))).as("layers").isEqualTo(layersBefore);
        assertThat(entries(root.resolve("images/ingest"))).as("downloads").isEmpty();

        // space returns: Berth works again without a restart
        Files.delete(root.resolve("filler"));
        String late = daemon.startContainer(podId, pod, IMAGE, sleeper("late"));
        assertThat(daemon.containerStatus(late).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        pull(BIG_IMAGE);

        // what a full disk kept in memory reached the disk: a restart finds the stopped container stopped
        daemon.restart();
        assertThat(daemon.containerStatus(running).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(daemon.containerStatus(late).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(daemon.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId)
                .build()).getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);

        removePod(podId);
        for (String image : List.of(IMAGE, BIG_IMAGE)) {
            daemon.images().removeImage(RemoveImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image)).build());
        }
        assertThat(daemon.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList()).isEmpty();
        PodLifecycleIT.assertNothingLeaked(daemon, dir, Set.of(root));
    }

    /** Appends to a file in {@code fs} until the filesystem has no space left. */
    private static void fill(Path fs) throws IOException {
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(fs.resolve("filler"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("No space left on device");
        }
        // the last partial chunk may have left a few bytes: take those too
        try (OutputStream out = Files.newOutputStream(fs.resolve("filler"),
                java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < 64; i++) {
                out.write(new byte[1024]);
            }
        } catch (IOException full) {
            // full, as intended
        }
    }

    private static Set<String> entries(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static ContainerConfig.Builder sleeper(String name) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .addCommand("sleep").addArgs("600");
    }

    private static void pull(String image) {
        daemon.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                .build());
    }

    private static void removePod(String podId) {
        daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }
}

package dev.berth.server.e2e;

import static dev.berth.server.e2e.PodLifecycleIT.output;
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
import dev.berth.cri.v1.PortMapping;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash consistency: for every failpoint, the daemon dies at that step of its CRI call as under kill -9, starts
 * again, and must find what the call was making either complete or gone, and nothing of it leaked once the pods
 * and the image are removed: no mount, pinned namespace, cgroup, veth, IP allocation, iptables rule, conmon,
 * runc container, log file of a container that is gone, blob or layer.
 */
class FailpointIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:crash";

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "crash");
        daemon = DaemonProcess.start(dir.resolve("berth"), registry.endpoint());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                daemon.relaunch(Map.of());
                removeEverything();
                daemon.shutDown(dir);
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void crashAtStep_restartFindsItCompleteOrGone_andNothingLeaks(Step step) throws Exception {
        daemon.relaunch(Map.of(Failpoints.VARIABLE, step.name()));
        try {
            crashAndRecover(step);
        } finally {
            // whatever failed, no pod of this test outlives it, and no failpoint stops the cleanup
            if (daemon.hasEnvironment()) {
                daemon.relaunch(Map.of());
            }
            removeEverything();
        }
        PodLifecycleIT.assertNothingLeaked(daemon, dir);
        assertThat(output("iptables-save", "-t", "nat")).as("portmap rules").doesNotContain("18080");
        try (Stream<Path> runc = Files.list(daemon.dir.resolve("state/runc"))) {
            assertThat(runc).as("runc's containers").isEmpty();
        } catch (java.nio.file.NoSuchFileException none) {
            // runc never ran
        }
        for (String store : List.of("root/images/blobs/sha256", "root/images/layers")) {
            Path storeDir = daemon.dir.resolve(store);
            if (Files.isDirectory(storeDir)) {
                try (Stream<Path> entries = Files.list(storeDir)) {
                    assertThat(entries).as(store).isEmpty();
                }
            }
        }
    }

    /** Makes the call that dies at {@code step}, restarts the daemon and checks what it finds. */
    private static void crashAndRecover(Step step) throws Exception {
        PodSandboxConfig pod = daemon.podConfig("crash", step.name().toLowerCase().replace('_', '-')).toBuilder()
                .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(18080)).build();
        Path log = Path.of(pod.getLogDirectory(), "app.log");

        if (step.call().equals("PullImage")) {
            expectHalt(() -> pull());
        } else {
            pull();
            if (step.call().equals("RunPodSandbox")) {
                expectHalt(() -> daemon.runPod(pod));
            } else {
                String podId = daemon.runPod(pod);
                switch (step.call()) {
                    case "CreateContainer" -> expectHalt(() -> create(podId, pod));
                    case "StartContainer" -> {
                        String id = create(podId, pod);
                        expectHalt(() -> daemon.runtime().startContainer(StartContainerRequest.newBuilder()
                                .setContainerId(id).build()));
                    }
                    case "StopPodSandbox" -> {
                        daemon.startContainer(podId, pod, IMAGE, app());
                        expectHalt(() -> stopPod(podId));
                    }
                    case "RemovePodSandbox" -> {
                        daemon.startContainer(podId, pod, IMAGE, app());
                        stopPod(podId);
                        expectHalt(() -> daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder()
                                .setPodSandboxId(podId).build()));
                    }
                    default -> throw new AssertionError("no scenario for " + step.call());
                }
            }
        }
        assertThat(daemon.awaitExit(Duration.ofSeconds(30))).as("halted at " + step).isEqualTo(Failpoints.STATUS);

        daemon.relaunch(Map.of());

        var pods = daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
        var containers = daemon.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersList();
        switch (step.call()) {
            case "PullImage" -> assertThat(images()).as("an image never recorded is gone").doesNotContain(IMAGE);
            case "RunPodSandbox" -> assertThat(pods).as("RunPodSandbox never answered: the pod is gone").isEmpty();
            case "CreateContainer" -> {
                if (step == Step.CREATE_CONTAINER_RECORD) {
                    assertThat(containers).singleElement().satisfies(c ->
                            assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_CREATED));
                } else {
                    assertThat(containers).as("a container never recorded is gone").isEmpty();
                    assertThat(log).as("its log file").doesNotExist();
                }
            }
            case "StartContainer" -> assertThat(containers).singleElement().satisfies(c ->
                    assertThat(c.getState()).as("runc started it").isEqualTo(ContainerState.CONTAINER_RUNNING));
            default -> assertThat(pods).allSatisfy(p -> assertThat(p.getState()).as("a pod being stopped")
                    .isEqualTo(PodSandboxState.SANDBOX_NOTREADY));
        }

    }

    /** Removes every pod and the image through the daemon, so that each step starts from nothing. */
    private static void removeEverything() {
        for (var p : daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            stopPod(p.getId());
            daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId())
                    .build());
        }
        if (images().contains(IMAGE)) {
            daemon.images().removeImage(RemoveImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
        }
    }

    private static void expectHalt(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).as("the daemon dies during the call").isInstanceOf(StatusRuntimeException.class);
    }

    private static void pull() {
        daemon.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .build());
    }

    private static List<String> images() {
        return daemon.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                .flatMap(i -> i.getRepoTagsList().stream()).toList();
    }

    private static ContainerConfig.Builder app() {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("app"))
                .addCommand("sleep").addArgs("600");
    }

    private static String create(String podId, PodSandboxConfig pod) {
        return daemon.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(pod).setConfig(app().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                        .setLogPath("app.log")).build()).getContainerId();
    }

    private static void stopPod(String podId) {
        daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }
}

package dev.berth.server.container;

import dev.berth.cri.v1.Container;
import dev.berth.cri.v1.ContainerResources;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStatus;
import dev.berth.cri.v1.ContainerUser;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.LinuxContainerUser;
import dev.berth.sandbox.ContainerInfo;

/** Renders stored containers as CRI messages. */
final class ContainerViews {

    private ContainerViews() {
    }

    static ContainerState state(ContainerInfo container) {
        return switch (container.state()) {
            case CREATED -> ContainerState.CONTAINER_CREATED;
            case RUNNING -> ContainerState.CONTAINER_RUNNING;
            case EXITED -> ContainerState.CONTAINER_EXITED;
            case UNKNOWN -> ContainerState.CONTAINER_UNKNOWN;
        };
    }

    private static ImageSpec image(ContainerInfo container) {
        return ImageSpec.newBuilder()
                .setImage(container.config().getImage().getImage())
                .putAllAnnotations(container.config().getImage().getAnnotationsMap())
                .build();
    }

    static Container summary(ContainerInfo container) {
        return Container.newBuilder()
                .setId(container.id())
                .setPodSandboxId(container.sandboxId())
                .setMetadata(container.config().getMetadata())
                .setImage(image(container))
                .setImageRef(container.imageRef())
                .setImageId(container.imageId())
                .setState(state(container))
                .setCreatedAt(container.createdAtNanos())
                .putAllLabels(container.config().getLabelsMap())
                .putAllAnnotations(container.config().getAnnotationsMap())
                .build();
    }

    static ContainerStatus status(ContainerInfo container) {
        ContainerStatus.Builder status = ContainerStatus.newBuilder();
        // kubelet compares these with what it asked for to see an in-place resize through.
        if (container.config().getLinux().hasResources()) {
            status.setResources(ContainerResources.newBuilder()
                    .setLinux(container.config().getLinux().getResources()));
        }
        if (container.user() != null) {
            // as containerd reports it: the identity given at create, supplemental groups with the primary first
            status.setUser(ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder()
                    .setUid(container.user().uid())
                    .setGid(container.user().gid())
                    .addAllSupplementalGroups(container.user().additionalGids())));
        }
        return status
                .setId(container.id())
                .setMetadata(container.config().getMetadata())
                .setState(state(container))
                .setCreatedAt(container.createdAtNanos())
                .setStartedAt(container.startedAtNanos())
                .setFinishedAt(container.finishedAtNanos())
                .setExitCode(container.exitCode())
                .setImage(image(container))
                .setImageRef(container.imageRef())
                .setImageId(container.imageId())
                .setReason(container.reason())
                .setMessage(container.message())
                .putAllLabels(container.config().getLabelsMap())
                .putAllAnnotations(container.config().getAnnotationsMap())
                .addAllMounts(container.config().getMountsList())
                .setLogPath(container.logPath())
                .build();
    }
}

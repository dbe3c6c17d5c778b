package dev.berth.server.container;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.CreateContainerResponse;
import dev.berth.host.BerthException;
import dev.berth.host.Cleanup;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.image.Image;
import dev.berth.image.ImageConfig;
import dev.berth.oci.ImageSpec;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.validation.RequestChecks;
import java.nio.file.Path;

/**
 * CreateContainer: mounts an overlay root filesystem from the image's layers, then has the runtime write the
 * OCI bundle and launch conmon, which runs {@code runc create}. The rootfs is unmounted again if that fails.
 */
public final class CreateContainer {

    private final Services services;

    public CreateContainer(Services services) {
        this.services = services;
    }

    public CreateContainerResponse handle(CreateContainerRequest request) {
        validate(request);
        ContainerConfig config = request.getConfig();
        SandboxInfo sandbox = Ids.requireSandbox(services.runtime(), request.getPodSandboxId());
        String imageName = config.getImage().getImage();
        Image image = services.images().find(imageName)
                .orElseThrow(() -> BerthException.notFound("image " + imageName + " not found: pull it first"));
        String id = Ids.newId();
        Cleanup undo = new Cleanup();
        try {
            Path rootfs = services.images().mountRootfs(id, image.id());
            undo.add("unmount rootfs", () -> services.images().unmountRootfs(id));
            Failpoints.reached(Step.CREATE_CONTAINER_ROOTFS);
            try {
                services.runtime().createContainer(id, sandbox.id(), config, imageSpec(image.config()), image.id(),
                        imageRef(image), rootfs);
            } catch (BerthException.InvalidArgument e) {
                // the runtime names the fields of the container config it was given
                throw e.under("config");
            }
            undo.commit();
        } catch (RuntimeException e) {
            throw undo.rollback(e);
        }
        return CreateContainerResponse.newBuilder().setContainerId(id).build();
    }

    /** The image reference ContainerStatus reports: the repo digest when known, as containerd does. */
    static String imageRef(Image image) {
        return image.repoDigests().isEmpty() ? image.id() : image.repoDigests().get(0);
    }

    static ImageSpec imageSpec(ImageConfig config) {
        return new ImageSpec(config.entrypoint(), config.cmd(), config.env(), config.workingDir(), config.user(),
                config.stopSignal());
    }

    private static void validate(CreateContainerRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw BerthException.invalid("pod_sandbox_id", "is required");
        }
        if (!request.hasConfig()) {
            throw BerthException.invalid("config", "is required");
        }
        ContainerConfig config = request.getConfig();
        if (config.getMetadata().getName().isEmpty()) {
            throw BerthException.invalid("config.metadata.name", "is required");
        }
        // the name becomes part of conmon's arguments
        RequestChecks.noControlCharacters("config.metadata.name", config.getMetadata().getName());
        if (config.getImage().getImage().isEmpty()) {
            throw BerthException.invalid("config.image.image", "is required");
        }
        var security = config.getLinux().getSecurityContext();
        // the OCI spec holds ids as 32-bit numbers
        if (security.hasRunAsUser()) {
            RequestChecks.id("config.linux.security_context.run_as_user.value", security.getRunAsUser().getValue());
        }
        if (security.hasRunAsGroup()) {
            RequestChecks.id("config.linux.security_context.run_as_group.value", security.getRunAsGroup().getValue());
        }
        for (int i = 0; i < security.getSupplementalGroupsCount(); i++) {
            RequestChecks.id("config.linux.security_context.supplemental_groups[" + i + "]",
                    security.getSupplementalGroups(i));
        }
        // A group without a user is meaningless (the image's user would get an unrelated group): refused, as
        // containerd and CRI-O do.
        if (security.hasRunAsGroup() && !security.hasRunAsUser() && security.getRunAsUsername().isEmpty()) {
            throw BerthException.invalid("config.linux.security_context.run_as_group",
                    "is set without run_as_user or run_as_username");
        }
        for (int i = 0; i < config.getMountsCount(); i++) {
            RequestChecks.absolute("config.mounts[" + i + "].container_path", config.getMounts(i).getContainerPath());
            RequestChecks.absolute("config.mounts[" + i + "].host_path", config.getMounts(i).getHostPath());
        }
        for (int i = 0; i < config.getDevicesCount(); i++) {
            RequestChecks.absolute("config.devices[" + i + "].container_path",
                    config.getDevices(i).getContainerPath());
            RequestChecks.absolute("config.devices[" + i + "].host_path", config.getDevices(i).getHostPath());
        }
        if (!config.getWorkingDir().isEmpty()) {
            RequestChecks.absolute("config.working_dir", config.getWorkingDir());
        }
        // joined to the pod's log directory: "." or ".." would make the log a directory or put it elsewhere
        if (!config.getLogPath().isEmpty()) {
            RequestChecks.relativeFile("config.log_path", config.getLogPath());
        }
        RequestChecks.environment("config.envs", config.getEnvsList());
        RequestChecks.resources("config.linux.resources", config.getLinux().getResources());
    }
}

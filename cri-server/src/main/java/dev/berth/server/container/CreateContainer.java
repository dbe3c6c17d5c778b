package dev.berth.server.container;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.CreateContainerResponse;
import dev.berth.host.BerthException;
import dev.berth.image.Image;
import dev.berth.image.ImageConfig;
import dev.berth.oci.ImageSpec;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateContainer: mounts an overlay root filesystem from the image's layers, then has the runtime write the
 * OCI bundle and launch conmon, which runs {@code runc create}. The rootfs is unmounted again if that fails.
 */
public final class CreateContainer {

    private static final Logger LOG = LoggerFactory.getLogger(CreateContainer.class);

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
        Path rootfs = services.images().mountRootfs(id, image.id());
        try {
            services.runtime().createContainer(id, sandbox.id(), config, imageSpec(image.config()), image.id(),
                    imageRef(image), rootfs);
        } catch (RuntimeException e) {
            try {
                services.images().unmountRootfs(id);
            } catch (RuntimeException cleanup) {
                LOG.warn("unmounting the rootfs of failed container {} failed", id, cleanup);
                e.addSuppressed(cleanup);
            }
            throw e;
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
        if (config.getImage().getImage().isEmpty()) {
            throw BerthException.invalid("config.image.image", "is required");
        }
        var security = config.getLinux().getSecurityContext();
        // A group without a user is meaningless (the image's user would get an unrelated group): refused, as
        // containerd and CRI-O do.
        if (security.hasRunAsGroup() && !security.hasRunAsUser() && security.getRunAsUsername().isEmpty()) {
            throw BerthException.invalid("config.linux.security_context.run_as_group",
                    "is set without run_as_user or run_as_username");
        }
        for (int i = 0; i < config.getMountsCount(); i++) {
            String containerPath = config.getMounts(i).getContainerPath();
            if (!containerPath.startsWith("/")) {
                throw BerthException.invalid("config.mounts[" + i + "].container_path", "must be an absolute path");
            }
        }
    }
}

package dev.berth.server.container;

import dev.berth.cri.v1.RemoveContainerRequest;
import dev.berth.cri.v1.RemoveContainerResponse;
import dev.berth.host.BerthException;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * RemoveContainer: kills the container if it still runs, deletes it from runc and the store, and unmounts its
 * root filesystem. Removing an unknown container succeeds, as the CRI requires.
 */
public final class RemoveContainer {

    private final Services services;

    public RemoveContainer(Services services) {
        this.services = services;
    }

    public RemoveContainerResponse handle(RemoveContainerRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        Ids.container(services.runtime(), request.getContainerId()).ifPresent(container -> {
            services.runtime().removeContainer(container.id());
            services.images().unmountRootfs(container.id());
        });
        return RemoveContainerResponse.getDefaultInstance();
    }
}

package dev.berth.server.container;

import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StartContainerResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/** StartContainer: {@code runc start} of a created container. NOT_FOUND for an unknown id. */
public final class StartContainer {

    private final Services services;

    public StartContainer(Services services) {
        this.services = services;
    }

    public StartContainerResponse handle(StartContainerRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        ContainerInfo container = Ids.requireContainer(services.runtime(), request.getContainerId());
        services.runtime().startContainer(container.id());
        return StartContainerResponse.getDefaultInstance();
    }
}

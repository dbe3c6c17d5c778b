package dev.berth.server.container;

import dev.berth.cri.v1.UpdateContainerResourcesRequest;
import dev.berth.cri.v1.UpdateContainerResourcesResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.validation.RequestChecks;

/**
 * UpdateContainerResources: new CPU, memory, pids and hugepage limits for a created or running container, as
 * kubelet sends them for an in-place pod resize or from its CPU manager. Applied with {@code runc update}.
 */
public final class UpdateContainerResources {

    private final Services services;

    public UpdateContainerResources(Services services) {
        this.services = services;
    }

    public UpdateContainerResourcesResponse handle(UpdateContainerResourcesRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        if (!request.hasLinux()) {
            throw BerthException.invalid("linux", "is required: Berth runs Linux containers");
        }
        RequestChecks.resources("linux", request.getLinux());
        ContainerInfo container = Ids.requireContainer(services.runtime(), request.getContainerId());
        try {
            services.runtime().updateContainerResources(container.id(), request.getLinux());
        } catch (BerthException.InvalidArgument e) {
            // the runtime names the fields of the resources it was given, e.g. cpusets the node lacks
            throw e.under("linux");
        }
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }
}

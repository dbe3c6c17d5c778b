package dev.berth.server.container;

import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.ContainerStatusResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * ContainerStatus: state, times, exit code and reason, image, mounts as requested, log path, and the user the
 * process runs as (none for containers created before Berth kept it). NOT_FOUND for an unknown id.
 */
public final class ContainerStatus {

    private final Services services;

    public ContainerStatus(Services services) {
        this.services = services;
    }

    public ContainerStatusResponse handle(ContainerStatusRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        ContainerInfo container = Ids.requireContainer(services.runtime(), request.getContainerId());
        ContainerStatusResponse.Builder response = ContainerStatusResponse.newBuilder()
                .setStatus(ContainerViews.status(container));
        if (request.getVerbose()) {
            response.putInfo("info", "{\"pid\":" + container.pid() + ",\"sandboxID\":\"" + container.sandboxId()
                    + "\"}");
        }
        return response.build();
    }
}

package dev.berth.server.container;

import dev.berth.cri.v1.ReopenContainerLogRequest;
import dev.berth.cri.v1.ReopenContainerLogResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * ReopenContainerLog: kubelet's log rotation renames a running container's log file and then calls this, so
 * that conmon writes to a new file at the original path. Only running containers have a log to reopen.
 */
public final class ReopenContainerLog {

    private final Services services;

    public ReopenContainerLog(Services services) {
        this.services = services;
    }

    public ReopenContainerLogResponse handle(ReopenContainerLogRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        ContainerInfo container = Ids.requireContainer(services.runtime(), request.getContainerId());
        services.runtime().reopenContainerLog(container.id());
        return ReopenContainerLogResponse.getDefaultInstance();
    }
}

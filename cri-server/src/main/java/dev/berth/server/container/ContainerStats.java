package dev.berth.server.container;

import dev.berth.cri.v1.ContainerStatsRequest;
import dev.berth.cri.v1.ContainerStatsResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.views.UsageViews;

/**
 * ContainerStats: one container's cpu, memory, swap and writable layer usage. NOT_FOUND for an unknown id; a
 * container without a cgroup (exited and cleaned up) answers its attributes and writable layer only.
 */
public final class ContainerStats {

    private final Services services;

    public ContainerStats(Services services) {
        this.services = services;
    }

    public ContainerStatsResponse handle(ContainerStatsRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        ContainerInfo container = Ids.requireContainer(services.runtime(), request.getContainerId());
        return ContainerStatsResponse.newBuilder()
                .setStats(UsageViews.container(container, services.runtime().containerUsage(container.id()),
                        services.images().containerFsUsage(container.id())))
                .build();
    }
}

package dev.berth.server.container;

import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.ListContainerStatsRequest;
import dev.berth.cri.v1.ListContainerStatsResponse;
import dev.berth.server.Services;
import dev.berth.server.views.UsageViews;
import java.util.List;

/**
 * ListContainerStats: the stats of every container the filter selects (id or id prefix, pod id or prefix, label
 * selector). Like containerd, containers without a cgroup are listed with attributes and writable layer only.
 */
public final class ListContainerStats {

    private final Services services;

    public ListContainerStats(Services services) {
        this.services = services;
    }

    public ListContainerStatsResponse handle(ListContainerStatsRequest request) {
        return ListContainerStatsResponse.newBuilder().addAllStats(collect(request.getFilter())).build();
    }

    /** The stats of the containers {@code filter} selects, oldest first. */
    public List<dev.berth.cri.v1.ContainerStats> collect(ContainerStatsFilter filter) {
        return UsageViews.containers(services, filter);
    }
}

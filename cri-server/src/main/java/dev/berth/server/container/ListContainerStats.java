package dev.berth.server.container;

import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.ListContainerStatsRequest;
import dev.berth.cri.v1.ListContainerStatsResponse;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Services;
import dev.berth.server.sandbox.ListPodSandbox;
import java.util.Comparator;
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

    /** The stats of the containers {@code filter} selects, oldest first; PodSandboxStats reuses this. */
    public List<dev.berth.cri.v1.ContainerStats> collect(ContainerStatsFilter filter) {
        return services.runtime().containers().stream()
                .filter(c -> matches(filter, c))
                .sorted(Comparator.comparingLong(ContainerInfo::createdAtNanos))
                .map(c -> UsageViews.container(c, services.runtime().containerUsage(c.id()),
                        services.images().containerFsUsage(c.id())))
                .toList();
    }

    static boolean matches(ContainerStatsFilter filter, ContainerInfo container) {
        if (!filter.getId().isEmpty() && !container.id().startsWith(filter.getId())) {
            return false;
        }
        if (!filter.getPodSandboxId().isEmpty() && !container.sandboxId().startsWith(filter.getPodSandboxId())) {
            return false;
        }
        return ListPodSandbox.labelsMatch(filter.getLabelSelectorMap(), container.config().getLabelsMap());
    }
}

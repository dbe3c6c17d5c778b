package dev.berth.server.sandbox;

import dev.berth.cri.v1.ListPodSandboxStatsRequest;
import dev.berth.cri.v1.ListPodSandboxStatsResponse;
import dev.berth.cri.v1.PodSandboxStatsFilter;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.Services;
import dev.berth.server.views.Labels;
import java.util.Comparator;

/**
 * ListPodSandboxStats: the stats of every ready pod the filter selects (id or id prefix, label selector). Pods
 * that are not ready are left out, as containerd does: their usage is gone or going.
 */
public final class ListPodSandboxStats {

    private final Services services;
    private final SandboxStatsViews views;

    public ListPodSandboxStats(Services services) {
        this.services = services;
        this.views = new SandboxStatsViews(services);
    }

    public ListPodSandboxStatsResponse handle(ListPodSandboxStatsRequest request) {
        PodSandboxStatsFilter filter = request.getFilter();
        ListPodSandboxStatsResponse.Builder response = ListPodSandboxStatsResponse.newBuilder();
        services.runtime().sandboxes().stream()
                .filter(s -> s.state() == SandboxState.READY && matches(filter, s))
                .sorted(Comparator.comparingLong(SandboxInfo::createdAtNanos))
                .forEach(s -> response.addStats(views.stats(s)));
        return response.build();
    }

    static boolean matches(PodSandboxStatsFilter filter, SandboxInfo sandbox) {
        if (!filter.getId().isEmpty() && !sandbox.id().startsWith(filter.getId())) {
            return false;
        }
        return Labels.matches(filter.getLabelSelectorMap(), sandbox.config().getLabelsMap());
    }
}

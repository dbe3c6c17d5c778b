package dev.berth.server.sandbox;

import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.ListPodSandboxResponse;
import dev.berth.cri.v1.PodSandboxFilter;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Services;
import dev.berth.server.views.Labels;
import java.util.Comparator;

/** ListPodSandbox: every pod, narrowed by the filter's id (or id prefix), state and label selector. */
public final class ListPodSandbox {

    private final Services services;

    public ListPodSandbox(Services services) {
        this.services = services;
    }

    public ListPodSandboxResponse handle(ListPodSandboxRequest request) {
        PodSandboxFilter filter = request.getFilter();
        ListPodSandboxResponse.Builder response = ListPodSandboxResponse.newBuilder();
        services.runtime().sandboxes().stream()
                .filter(s -> matches(filter, s))
                .sorted(Comparator.comparingLong(SandboxInfo::createdAtNanos))
                .forEach(s -> response.addItems(SandboxViews.summary(s)));
        return response.build();
    }

    static boolean matches(PodSandboxFilter filter, SandboxInfo sandbox) {
        if (!filter.getId().isEmpty() && !sandbox.id().startsWith(filter.getId())) {
            return false;
        }
        if (filter.hasState() && filter.getState().getState() != SandboxViews.state(sandbox)) {
            return false;
        }
        return Labels.matches(filter.getLabelSelectorMap(), sandbox.config().getLabelsMap());
    }
}

package dev.berth.server.container;

import dev.berth.cri.v1.ContainerFilter;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.cri.v1.ListContainersResponse;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Services;
import dev.berth.server.views.Labels;
import java.util.Comparator;

/** ListContainers: every container, narrowed by id (or prefix), pod, state and label selector. */
public final class ListContainers {

    private final Services services;

    public ListContainers(Services services) {
        this.services = services;
    }

    public ListContainersResponse handle(ListContainersRequest request) {
        ContainerFilter filter = request.getFilter();
        ListContainersResponse.Builder response = ListContainersResponse.newBuilder();
        services.runtime().containers().stream()
                .filter(c -> matches(filter, c))
                .sorted(Comparator.comparingLong(ContainerInfo::createdAtNanos))
                .forEach(c -> response.addContainers(ContainerViews.summary(c)));
        return response.build();
    }

    static boolean matches(ContainerFilter filter, ContainerInfo container) {
        if (!filter.getId().isEmpty() && !container.id().startsWith(filter.getId())) {
            return false;
        }
        if (!filter.getPodSandboxId().isEmpty() && !container.sandboxId().startsWith(filter.getPodSandboxId())) {
            return false;
        }
        if (filter.hasState() && filter.getState().getState() != ContainerViews.state(container)) {
            return false;
        }
        return Labels.matches(filter.getLabelSelectorMap(), container.config().getLabelsMap());
    }
}

package dev.berth.server.sandbox;

import dev.berth.cri.v1.PodSandboxStatsRequest;
import dev.berth.cri.v1.PodSandboxStatsResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * PodSandboxStats: one pod's cpu, memory, network, process count and per-container stats. NOT_FOUND for an
 * unknown id; FAILED_PRECONDITION for a pod that is not ready, whose cgroup and network may already be gone
 * (containerd refuses those too).
 */
public final class PodSandboxStats {

    private final Services services;
    private final SandboxStatsViews views;

    public PodSandboxStats(Services services) {
        this.services = services;
        this.views = new SandboxStatsViews(services);
    }

    public PodSandboxStatsResponse handle(PodSandboxStatsRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw BerthException.invalid("pod_sandbox_id", "is required");
        }
        SandboxInfo sandbox = Ids.requireSandbox(services.runtime(), request.getPodSandboxId());
        if (sandbox.state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("pod sandbox " + sandbox.id() + " is not ready");
        }
        return PodSandboxStatsResponse.newBuilder().setStats(views.stats(sandbox)).build();
    }
}

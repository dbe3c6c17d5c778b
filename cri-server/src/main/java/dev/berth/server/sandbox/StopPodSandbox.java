package dev.berth.server.sandbox;

import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.StopPodSandboxResponse;
import dev.berth.host.BerthException;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * StopPodSandbox: stops every container of the pod, runs CNI DEL and unpins the namespaces. The CRI makes it
 * idempotent: stopping an unknown or already stopped pod succeeds.
 */
public final class StopPodSandbox {

    private final Services services;

    public StopPodSandbox(Services services) {
        this.services = services;
    }

    public StopPodSandboxResponse handle(StopPodSandboxRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw BerthException.invalid("pod_sandbox_id", "is required");
        }
        Ids.sandbox(services.runtime(), request.getPodSandboxId())
                .ifPresent(sandbox -> SandboxTeardown.stop(services, sandbox));
        return StopPodSandboxResponse.getDefaultInstance();
    }
}

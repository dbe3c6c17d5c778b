package dev.berth.server.sandbox;

import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RemovePodSandboxResponse;
import dev.berth.host.BerthException;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * RemovePodSandbox: forcibly stops and removes the pod's containers, then the pod. Removing an unknown pod
 * succeeds, as the CRI requires.
 */
public final class RemovePodSandbox {

    private final Services services;

    public RemovePodSandbox(Services services) {
        this.services = services;
    }

    public RemovePodSandboxResponse handle(RemovePodSandboxRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw BerthException.invalid("pod_sandbox_id", "is required");
        }
        Ids.sandbox(services.runtime(), request.getPodSandboxId())
                .ifPresent(sandbox -> SandboxTeardown.remove(services, sandbox));
        return RemovePodSandboxResponse.getDefaultInstance();
    }
}

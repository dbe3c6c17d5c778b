package dev.berth.server.sandbox;

import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.PodSandboxStatusResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/** PodSandboxStatus: the pod's state, creation time, IPs and namespace modes. NOT_FOUND for an unknown pod. */
public final class PodSandboxStatus {

    private final Services services;

    public PodSandboxStatus(Services services) {
        this.services = services;
    }

    public PodSandboxStatusResponse handle(PodSandboxStatusRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw BerthException.invalid("pod_sandbox_id", "is required");
        }
        SandboxInfo sandbox = Ids.requireSandbox(services.runtime(), request.getPodSandboxId());
        PodSandboxStatusResponse.Builder response = PodSandboxStatusResponse.newBuilder()
                .setStatus(SandboxViews.status(sandbox));
        if (request.getVerbose()) {
            response.putInfo("info", "{\"netnsPath\":\"" + (sandbox.netnsPath() == null ? "" : sandbox.netnsPath())
                    + "\",\"cgroupParent\":\"" + sandbox.cgroupParent() + "\"}");
        }
        return response.build();
    }
}

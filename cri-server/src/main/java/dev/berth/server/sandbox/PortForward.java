package dev.berth.server.sandbox;

import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.cri.v1.PortForwardResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * PortForward: checks the pod, then returns a one-time URL of the streaming server where the client opens
 * a stream pair per connection to forward to a port on the pod's loopback. Connections are made only then.
 */
public final class PortForward {

    private final Services services;

    public PortForward(Services services) {
        this.services = services;
    }

    public PortForwardResponse handle(PortForwardRequest request) {
        if (request.getPodSandboxId().isEmpty()) {
            throw BerthException.invalid("pod_sandbox_id", "is required");
        }
        for (int port : request.getPortList()) {
            if (port < 1 || port > 65535) {
                throw BerthException.invalid("port", "must be between 1 and 65535, not " + port);
            }
        }
        SandboxInfo sandbox = Ids.requireSandbox(services.runtime(), request.getPodSandboxId());
        if (sandbox.state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("pod sandbox " + sandbox.id() + " is not ready");
        }
        if (services.streaming() == null) {
            throw BerthException.unavailable("the streaming server is not running");
        }
        String url = services.streaming().portForward(request.toBuilder().setPodSandboxId(sandbox.id()).build());
        return PortForwardResponse.newBuilder().setUrl(url).build();
    }
}

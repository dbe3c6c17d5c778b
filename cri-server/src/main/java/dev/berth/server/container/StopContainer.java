package dev.berth.server.container;

import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.StopContainerResponse;
import dev.berth.host.BerthException;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * StopContainer: the stop signal, then SIGKILL once the timeout passes. Stopping an unknown or stopped
 * container succeeds, as the CRI requires.
 */
public final class StopContainer {

    private final Services services;

    public StopContainer(Services services) {
        this.services = services;
    }

    public StopContainerResponse handle(StopContainerRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        if (request.getTimeout() < 0) {
            throw BerthException.invalid("timeout", "must not be negative");
        }
        Ids.container(services.runtime(), request.getContainerId()).ifPresent(c -> {
            try {
                services.runtime().stopContainer(c.id(), request.getTimeout());
            } catch (BerthException.NotFound removedMeanwhile) {
                // removed during its grace period: it is stopped, and stopping an unknown container succeeds
            }
        });
        return StopContainerResponse.getDefaultInstance();
    }
}

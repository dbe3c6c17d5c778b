package dev.berth.server.container;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.AttachResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Services;

/**
 * Attach: checks the request and the container, then returns a one-time URL of the streaming server where
 * the client connects to the streams of the container's main process (through its monitor's attach socket).
 */
public final class Attach {

    private final Services services;

    public Attach(Services services) {
        this.services = services;
    }

    public AttachResponse handle(AttachRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        StreamRequests.checkStreams(request.getStdin(), request.getStdout(), request.getStderr(),
                request.getTty());
        ContainerInfo container = StreamRequests.runningContainer(services, request.getContainerId());
        String url = StreamRequests.streaming(services).attach(request.toBuilder().setContainerId(container.id()).build());
        return AttachResponse.newBuilder().setUrl(url).build();
    }
}

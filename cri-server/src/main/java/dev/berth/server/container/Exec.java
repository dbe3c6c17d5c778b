package dev.berth.server.container;

import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ExecResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Services;

/**
 * Exec: checks the request and the container, then returns a one-time URL of the streaming server where the
 * client connects to run the command with its streams. The command starts only when the client connects.
 */
public final class Exec {

    private final Services services;

    public Exec(Services services) {
        this.services = services;
    }

    public ExecResponse handle(ExecRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        if (request.getCmdCount() == 0) {
            throw BerthException.invalid("cmd", "is required");
        }
        StreamRequests.checkStreams(request.getStdin(), request.getStdout(), request.getStderr(),
                request.getTty());
        ContainerInfo container = StreamRequests.runningContainer(services, request.getContainerId());
        String url = StreamRequests.streaming(services).exec(request.toBuilder().setContainerId(container.id()).build());
        return ExecResponse.newBuilder().setUrl(url).build();
    }
}

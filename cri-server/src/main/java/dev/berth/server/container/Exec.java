package dev.berth.server.container;

import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ExecResponse;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.grpc.Errors;
import io.grpc.Status;

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
            throw Errors.invalid("container_id", "is required");
        }
        if (request.getCmdCount() == 0) {
            throw Errors.invalid("cmd", "is required");
        }
        if (!request.getStdin() && !request.getStdout() && !request.getStderr()) {
            throw Errors.invalid("stdin/stdout/stderr", "must not all be false");
        }
        if (request.getTty() && request.getStderr()) {
            throw Errors.invalid("stderr", "must be false with tty: a terminal has one output stream");
        }
        ContainerInfo container = Ids.container(services.runtime(), request.getContainerId())
                .orElseThrow(() -> Errors.notFound("container " + request.getContainerId() + " not found"));
        if (container.state() != ContainerState.RUNNING) {
            throw Errors.failedPrecondition("container " + container.id() + " is not running ("
                    + container.state() + ")");
        }
        if (services.streaming() == null) {
            throw Status.UNAVAILABLE.withDescription("the streaming server is not running").asRuntimeException();
        }
        String url = services.streaming().exec(request.toBuilder().setContainerId(container.id()).build());
        return ExecResponse.newBuilder().setUrl(url).build();
    }
}

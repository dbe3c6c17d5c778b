package dev.berth.server.container;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.AttachResponse;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.grpc.Errors;
import io.grpc.Status;

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
            throw Errors.invalid("container_id", "is required");
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
        String url = services.streaming().attach(request.toBuilder().setContainerId(container.id()).build());
        return AttachResponse.newBuilder().setUrl(url).build();
    }
}

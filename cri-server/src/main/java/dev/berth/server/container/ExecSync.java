package dev.berth.server.container;

import com.google.protobuf.ByteString;
import dev.berth.cri.v1.ExecSyncRequest;
import dev.berth.cri.v1.ExecSyncResponse;
import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.ExecResult;
import dev.berth.server.Ids;
import dev.berth.server.Services;

/**
 * ExecSync: runs a command in a running container and returns its exit code and output; kubelet's exec
 * probes use it. A command that outlives the timeout is killed and the call fails with DEADLINE_EXCEEDED.
 */
public final class ExecSync {

    private final Services services;

    public ExecSync(Services services) {
        this.services = services;
    }

    public ExecSyncResponse handle(ExecSyncRequest request) {
        if (request.getContainerId().isEmpty()) {
            throw BerthException.invalid("container_id", "is required");
        }
        if (request.getCmdCount() == 0) {
            throw BerthException.invalid("cmd", "is required");
        }
        if (request.getTimeout() < 0) {
            throw BerthException.invalid("timeout", "must not be negative");
        }
        ContainerInfo container = Ids.requireContainer(services.runtime(), request.getContainerId());
        ExecResult result = services.runtime().execSync(container.id(), request.getCmdList(), request.getTimeout());
        return ExecSyncResponse.newBuilder()
                .setExitCode(result.exitCode())
                .setStdout(ByteString.copyFrom(result.stdout()))
                .setStderr(ByteString.copyFrom(result.stderr()))
                .build();
    }
}

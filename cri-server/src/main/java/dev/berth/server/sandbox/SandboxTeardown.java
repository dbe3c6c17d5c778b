package dev.berth.server.sandbox;

import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Services;

/**
 * The steps that take a pod down, shared by StopPodSandbox, RemovePodSandbox and the rollback of
 * RunPodSandbox. Order matters: containers stop before the network goes, and the network namespace is
 * unpinned only after CNI DEL has run in it.
 */
final class SandboxTeardown {

    private SandboxTeardown() {
    }

    /** Stops the pod's containers, detaches it from the network and releases its namespaces. Idempotent. */
    static void stop(Services services, SandboxInfo sandbox) {
        services.runtime().stopSandbox(sandbox.id());
        Failpoints.reached(Step.STOP_POD_CONTAINERS);
        if (sandbox.netnsPath() != null) {
            services.network().detach(RunPodSandbox.networkRequest(sandbox));
            Failpoints.reached(Step.STOP_POD_NETWORK);
        }
        services.runtime().releaseNamespaces(sandbox.id());
    }

    /** Stops the pod, then removes its containers (with their root filesystems) and the pod itself. */
    static void remove(Services services, SandboxInfo sandbox) {
        stop(services, sandbox);
        for (ContainerInfo container : services.runtime().containers()) {
            if (container.sandboxId().equals(sandbox.id())) {
                services.runtime().removeContainer(container.id());
                services.images().unmountRootfs(container.id());
            }
        }
        Failpoints.reached(Step.REMOVE_POD_CONTAINERS);
        services.runtime().removeSandbox(sandbox.id());
    }
}

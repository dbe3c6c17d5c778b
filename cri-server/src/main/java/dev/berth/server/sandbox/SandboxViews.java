package dev.berth.server.sandbox;

import dev.berth.cri.v1.LinuxPodSandboxStatus;
import dev.berth.cri.v1.Namespace;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodIP;
import dev.berth.cri.v1.PodSandbox;
import dev.berth.cri.v1.PodSandboxNetworkStatus;
import dev.berth.cri.v1.PodSandboxState;
import dev.berth.cri.v1.PodSandboxStatus;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;

/** Renders stored sandboxes as CRI messages. */
final class SandboxViews {

    private SandboxViews() {
    }

    static PodSandboxState state(SandboxInfo sandbox) {
        return sandbox.state() == SandboxState.READY
                ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    static PodSandbox summary(SandboxInfo sandbox) {
        return PodSandbox.newBuilder()
                .setId(sandbox.id())
                .setMetadata(sandbox.config().getMetadata())
                .setState(state(sandbox))
                .setCreatedAt(sandbox.createdAtNanos())
                .putAllLabels(sandbox.config().getLabelsMap())
                .putAllAnnotations(sandbox.config().getAnnotationsMap())
                .setRuntimeHandler(sandbox.runtimeHandler())
                .build();
    }

    static PodSandboxStatus status(SandboxInfo sandbox) {
        PodSandboxNetworkStatus.Builder network = PodSandboxNetworkStatus.newBuilder();
        // The CRI wants no network status for host-network pods: kubelet uses the node's IP then.
        if (sandbox.netnsPath() != null) {
            network.setIp(sandbox.ip());
            for (String ip : sandbox.additionalIps()) {
                network.addAdditionalIps(PodIP.newBuilder().setIp(ip));
            }
        }
        NamespaceOption options = sandbox.config().getLinux().getSecurityContext().getNamespaceOptions();
        return PodSandboxStatus.newBuilder()
                .setId(sandbox.id())
                .setMetadata(sandbox.config().getMetadata())
                .setState(state(sandbox))
                .setCreatedAt(sandbox.createdAtNanos())
                .setNetwork(network)
                .setLinux(LinuxPodSandboxStatus.newBuilder()
                        .setNamespaces(Namespace.newBuilder().setOptions(options)))
                .putAllLabels(sandbox.config().getLabelsMap())
                .putAllAnnotations(sandbox.config().getAnnotationsMap())
                .setRuntimeHandler(sandbox.runtimeHandler())
                .build();
    }
}

package dev.berth.server.fakes;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;

/** Minimal valid CRI configs for handler tests. Stateless. */
public final class CriConfigs {

    private CriConfigs() {
    }

    /** A pod in namespace "default" with uid {@code uid-<name>} and its own network namespace. */
    public static PodSandboxConfig pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid("uid-" + name))
                .build();
    }

    /** Like {@link #pod} but on the host's network (hostNetwork: true). */
    public static PodSandboxConfig hostNetworkPod(String name) {
        return pod(name).toBuilder()
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
    }

    /** A container named {@code name} running {@code image}. */
    public static ContainerConfig container(String name, String image) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .build();
    }
}

package dev.berth.sandbox;

import dev.berth.cri.v1.PodSandboxConfig;
import java.util.List;

/**
 * A snapshot of one pod sandbox. Immutable.
 *
 * <p>{@code netnsPath} is null when the pod uses the host's network; {@code ip} is "" until the network is set;
 * {@code additionalIps} is never null. {@code cgroupParent} is the pod's cgroup path (cgroupfs form).
 */
public record SandboxInfo(String id, PodSandboxConfig config, String runtimeHandler, long createdAtNanos,
                          SandboxState state, String netnsPath, String ip, List<String> additionalIps,
                          String cgroupParent) {

    public SandboxInfo {
        additionalIps = List.copyOf(additionalIps);
    }
}

package dev.berth.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.ns.PinnedNamespaces;
import java.nio.file.Path;
import java.util.List;

/**
 * What Berth stores about a sandbox. The CRI config is kept as its protobuf bytes (base64 in JSON). Namespace paths
 * are null for the host's; {@code shm} is null when the pod uses the host's IPC; {@code infraId} is null when no
 * infra container runs. {@code readyAtNanos} is 0 while RunPodSandbox has not finished (the network is set up after
 * the record is written) and null in records of versions that wrote none, whose pods were all finished. Immutable.
 */
record SandboxRecord(String id, String name, byte[] config, String runtimeHandler, long createdAtNanos,
                     long stoppedAtNanos, boolean namespacesReleased, String netns, String ipcns, String utsns,
                     String shm, String cgroupParent, boolean cgroupOwned, String infraId, long infraPid,
                     String ip, List<String> additionalIps, Long readyAtNanos) {

    SandboxRecord {
        additionalIps = additionalIps == null ? List.of() : List.copyOf(additionalIps);
        ip = ip == null ? "" : ip;
    }

    @JsonIgnore
    PodSandboxConfig parsedConfig() {
        try {
            return PodSandboxConfig.parseFrom(config);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt stored config of sandbox " + id, e);
        }
    }

    @JsonIgnore
    PinnedNamespaces pins() {
        return new PinnedNamespaces(path(netns), path(ipcns), path(utsns));
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }

    @JsonIgnore
    SandboxState state() {
        return stoppedAtNanos == 0 && !namespacesReleased && setUp() ? SandboxState.READY : SandboxState.NOTREADY;
    }

    /** Whether RunPodSandbox finished making it. */
    @JsonIgnore
    boolean setUp() {
        return readyAtNanos == null || readyAtNanos != 0;
    }

    SandboxRecord withStopped(long nanos) {
        return new SandboxRecord(id, name, config, runtimeHandler, createdAtNanos, nanos, namespacesReleased, netns,
                ipcns, utsns, shm, cgroupParent, cgroupOwned, infraId, 0, ip, additionalIps, readyAtNanos);
    }

    SandboxRecord withReleased() {
        return new SandboxRecord(id, name, config, runtimeHandler, createdAtNanos, stoppedAtNanos, true, netns,
                ipcns, utsns, shm, cgroupParent, cgroupOwned, infraId, infraPid, ip, additionalIps, readyAtNanos);
    }

    /** The pod's addresses, set when its creation finishes at {@code nanos}. */
    SandboxRecord withNetwork(String newIp, List<String> newAdditional, long nanos) {
        return new SandboxRecord(id, name, config, runtimeHandler, createdAtNanos, stoppedAtNanos,
                namespacesReleased, netns, ipcns, utsns, shm, cgroupParent, cgroupOwned, infraId, infraPid, newIp,
                newAdditional, nanos);
    }

    SandboxInfo toInfo() {
        return new SandboxInfo(id, parsedConfig(), runtimeHandler, createdAtNanos, state(), netns, ip,
                additionalIps, cgroupParent);
    }
}

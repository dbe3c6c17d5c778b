package dev.berth.sandbox;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.ns.PinnedNamespaces;
import java.nio.file.Path;
import java.util.List;

/**
 * What Berth stores about a sandbox: its metadata, written once by RunPodSandbox, and its status, changed as the pod
 * gets its network, stops and gives up its namespaces. Immutable.
 */
record SandboxRecord(Meta meta, Status status) {

    /**
     * What RunPodSandbox made. The CRI config is kept as its protobuf bytes (base64 in JSON). Namespace paths are null
     * for the host's ({@code userns} also in records of versions without user namespaces); {@code shm} is null when
     * the pod uses the host's IPC; {@code infraId} is null when no infra container runs.
     */
    record Meta(String id, String name, byte[] config, String runtimeHandler, long createdAtNanos, String netns,
                String ipcns, String utsns, String shm, String cgroupParent, boolean cgroupOwned, String infraId,
                String userns) {
    }

    /**
     * What happened to the sandbox since. {@code readyAtNanos} is 0 while RunPodSandbox has not finished (the network
     * is set up after the record is written) and null in records of versions that wrote none, whose pods were all
     * finished. {@code infraPid} is 0 once the infra process is stopped.
     */
    record Status(long stoppedAtNanos, boolean namespacesReleased, long infraPid, String ip,
                  List<String> additionalIps, Long readyAtNanos) {

        Status {
            additionalIps = additionalIps == null ? List.of() : List.copyOf(additionalIps);
            ip = ip == null ? "" : ip;
        }

        /** The status of a sandbox whose creation has not finished. */
        static Status unfinished(long infraPid) {
            return new Status(0, false, infraPid, "", List.of(), 0L);
        }

        Status withStopped(long nanos) {
            return new Status(nanos, namespacesReleased, 0, ip, additionalIps, readyAtNanos);
        }

        Status withReleased() {
            return new Status(stoppedAtNanos, true, infraPid, ip, additionalIps, readyAtNanos);
        }

        /** The pod's addresses, set when its creation finishes at {@code nanos}. */
        Status withNetwork(String newIp, List<String> newAdditional, long nanos) {
            return new Status(stoppedAtNanos, namespacesReleased, infraPid, newIp, newAdditional, nanos);
        }
    }

    String id() {
        return meta.id();
    }

    String name() {
        return meta.name();
    }

    long createdAtNanos() {
        return meta.createdAtNanos();
    }

    String netns() {
        return meta.netns();
    }

    String ipcns() {
        return meta.ipcns();
    }

    String utsns() {
        return meta.utsns();
    }

    String userns() {
        return meta.userns();
    }

    String shm() {
        return meta.shm();
    }

    String cgroupParent() {
        return meta.cgroupParent();
    }

    boolean cgroupOwned() {
        return meta.cgroupOwned();
    }

    String infraId() {
        return meta.infraId();
    }

    long infraPid() {
        return status.infraPid();
    }

    String ip() {
        return status.ip();
    }

    List<String> additionalIps() {
        return status.additionalIps();
    }

    long stoppedAtNanos() {
        return status.stoppedAtNanos();
    }

    boolean namespacesReleased() {
        return status.namespacesReleased();
    }

    PodSandboxConfig parsedConfig() {
        try {
            return PodSandboxConfig.parseFrom(meta.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt stored config of sandbox " + id(), e);
        }
    }

    PinnedNamespaces pins() {
        return new PinnedNamespaces(path(netns()), path(ipcns()), path(utsns()), path(userns()));
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }

    SandboxState state() {
        return stoppedAtNanos() == 0 && !namespacesReleased() && setUp() ? SandboxState.READY : SandboxState.NOTREADY;
    }

    /** Whether RunPodSandbox finished making it. */
    boolean setUp() {
        return status.readyAtNanos() == null || status.readyAtNanos() != 0;
    }

    SandboxInfo toInfo() {
        return new SandboxInfo(id(), parsedConfig(), meta.runtimeHandler(), createdAtNanos(), state(), netns(), ip(),
                additionalIps(), cgroupParent());
    }
}

package dev.berth.sandbox;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.oci.ImageSpec;
import dev.berth.oci.OciFeatures;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the CRI server needs from the pod runtime: the lifecycle of pod sandboxes and their containers, and
 * snapshots of both. {@link PodRuntime} is the real implementation; unit tests of the CRI handlers use an
 * in-memory one.
 *
 * <p>Implementations are thread-safe. Arguments must not be null; results are never null (absence is an
 * empty {@link Optional}). Failures are {@link dev.berth.host.BerthException}s, or the host's
 * {@link dev.berth.host.CommandException} when runc or conmon fails. Stop and remove of an unknown sandbox or container succeed quietly, except
 * {@link #stopContainer}, which raises {@code NOT_FOUND} because it has no status to return.
 */
public interface SandboxRuntime extends AutoCloseable {

    /** Reloads stored state, reconciles it with the host and removes half-made leftovers. Call once before use. */
    default void recover() {
        recover(sandbox -> {
        });
    }

    /**
     * As {@link #recover()}, calling {@code beforeRemovingUnfinished} with each sandbox whose creation never
     * finished, while its namespaces are still pinned, before it is removed: the caller detaches its network
     * there, since a CNI DEL without the network namespace cannot undo everything ADD did.
     */
    void recover(java.util.function.Consumer<SandboxInfo> beforeRemovingUnfinished);

    /**
     * Reserves the pod's name, pins its namespaces (no network namespace when the pod uses the host's network,
     * which {@link SandboxInfo#netnsPath()} null then tells) and records it, NOTREADY until
     * {@link #setSandboxNetwork} finishes it. {@code runtimeHandler} may be "". A failure leaves nothing behind; a
     * sandbox never finished (the daemon died first) is removed when the runtime recovers.
     */
    SandboxInfo createSandbox(String id, PodSandboxConfig config, String runtimeHandler);

    /**
     * Records the pod's addresses once it is attached to the network ({@code ip} "" for the host's network) and
     * marks it READY: the last step of RunPodSandbox.
     */
    SandboxInfo setSandboxNetwork(String id, String ip, List<String> additionalIps);

    /** Stops the sandbox's containers (killing them at once), then its infra process; idempotent. */
    void stopSandbox(String id);

    /** Unpins the sandbox's namespaces and unmounts its shm; idempotent. Call after network teardown. */
    void releaseNamespaces(String id);

    /** Removes a sandbox; idempotent. {@code FAILED_PRECONDITION} while any of its containers remains. */
    void removeSandbox(String id);

    /** The sandbox with exactly this id. */
    Optional<SandboxInfo> sandbox(String id);

    /** Every sandbox, oldest first. */
    List<SandboxInfo> sandboxes();

    /**
     * Writes the container's OCI bundle over the mounted {@code rootfs} and has runc create it (not start it).
     * {@code imageId} and {@code imageRef} are reported back by status calls.
     */
    ContainerInfo createContainer(String id, String sandboxId, ContainerConfig config, ImageSpec image,
                                  String imageId, String imageRef, Path rootfs);

    /** Starts a created container. */
    ContainerInfo startContainer(String id);

    /** Stops a container: its stop signal, then SIGKILL after {@code timeoutSeconds}; idempotent. */
    ContainerInfo stopContainer(String id, long timeoutSeconds);

    /** Kills the container if it runs and deletes it; idempotent. Its root filesystem is not touched. */
    void removeContainer(String id);

    /**
     * The container with exactly this id, as last recorded: reading writes nothing. An exit is recorded as conmon
     * reports it (milliseconds after it happens), once {@code recover} has started the exit watch.
     */
    Optional<ContainerInfo> container(String id);

    /** Every container, oldest first. */
    List<ContainerInfo> containers();

    /**
     * What the OCI runtime supports beyond the baseline (recursive read-only mounts, user namespaces), detected
     * once ({@code runc features} and the kernel) and the same for every runtime handler.
     */
    OciFeatures features();

    /** Releases what the runtime holds for itself; containers keep running. Never throws a checked exception. */
    @Override
    void close();

    /**
     * Runs {@code command} in a running container and waits for it, at most {@code timeoutSeconds} (0: no
     * limit). NOT_FOUND for an unknown container, FAILED_PRECONDITION when it is not running,
     * DEADLINE_EXCEEDED when the command outlives its timeout (it is killed then).
     */
    ExecResult execSync(String id, List<String> command, long timeoutSeconds);

    /**
     * Starts {@code command} in a running container with the container's process settings and returns without
     * waiting; the caller must close the result. Without {@code tty} the command gets pipes for its streams;
     * with it, a terminal in the container whose output comes on the result's stdout byte for byte as the
     * terminal wrote it (lines ending in "\r\n"), and whose size {@link ExecProcess#resize} sets. NOT_FOUND for
     * an unknown container, FAILED_PRECONDITION when it is not running.
     */
    ExecProcess startExec(String id, List<String> command, boolean tty);

    /**
     * Attaches to a running container's main process through its monitor: the result's stdout and stderr carry
     * what the container writes from now on (both on stdout with a terminal), its stdin reaches the container's
     * input when it was created with stdin, {@link ExecProcess#resize} sets the size of the container's terminal,
     * and {@link ExecProcess#waitFor()} returns 0 once the container exits; {@link ExecProcess#kill()} detaches.
     * Closing stdin closes the container's input for a stdin_once container without a terminal (output still
     * comes until it exits) and detaches from any other, as containerd does. The caller must close the result. NOT_FOUND for an unknown container, FAILED_PRECONDITION unless running.
     */
    ExecProcess attach(String id);

    /**
     * Connects to TCP {@code port} on the loopback of a ready pod's network namespace (the host's for a pod
     * on the host network) and returns the connection as a process: what is written to its stdin is sent,
     * what arrives comes out of its stdout, and it exits once both directions are done (non-zero, with the
     * reason on stderr, when the connection fails). The caller must close the result. NOT_FOUND for an unknown
     * sandbox, FAILED_PRECONDITION when it is not ready.
     */
    ExecProcess portForward(String sandboxId, int port);

    /**
     * Has the container's log file reopened at its path (kubelet renames it first when rotating logs) and
     * waits until the new file exists. NOT_FOUND for an unknown container, FAILED_PRECONDITION unless running.
     */
    void reopenContainerLog(String id);

    /**
     * The container's cgroup usage now. Empty for an unknown container and once its cgroup is gone (it exited
     * and was cleaned up); a container that was created but not started has a cgroup using next to nothing.
     */
    Optional<ResourceUsage> containerUsage(String id);

    /** The pod cgroup's usage now, its containers included; empty for an unknown sandbox or a removed cgroup. */
    Optional<ResourceUsage> sandboxUsage(String id);

    /**
     * The counters of the pod's network interfaces other than loopback. Empty for an unknown or stopped sandbox,
     * a pod on the host's network, and while no process of the pod is alive to read them through.
     */
    List<InterfaceUsage> sandboxInterfaces(String id);

    /**
     * Changes the CPU, memory, pids and hugepage limits of a created or running container and records them.
     * NOT_FOUND for an unknown container, FAILED_PRECONDITION once it has exited.
     */
    ContainerInfo updateContainerResources(String id, LinuxContainerResources resources);
}

package dev.berth.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Suppliers;
import dev.berth.cgroups.CgroupfsCgroups;
import dev.berth.cgroups.Cgroups;
import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.host.BerthException;
import dev.berth.host.Clock;
import dev.berth.host.CommandRunner;
import dev.berth.host.Json;
import dev.berth.host.KeyedLocks;
import dev.berth.host.PrivateFiles;
import dev.berth.host.ProcessRunner;
import dev.berth.ns.NamespacePinner;
import dev.berth.oci.HostFacts;
import dev.berth.oci.ImageSpec;
import dev.berth.oci.OciFeatures;
import dev.berth.runc.ConmonRunc;
import dev.berth.runc.OciRuntime;
import dev.berth.store.RecordStore;
import dev.berth.store.NameRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pod sandboxes and their containers: pins namespaces, writes OCI bundles, drives conmon and runc, manages pod
 * cgroups and keeps the state on disk. This is what the CRI server calls.
 *
 * <p>Thread-safe. Operations on one sandbox or container are serialized by a per-id lock; lists read snapshots.
 * Call {@link #recover()} once before serving. Arguments must not be null. Failures are reported as
 * {@link dev.berth.host.BerthException}; stop and remove of an unknown sandbox or container succeed quietly, while
 * {@link #stopContainer} of an unknown id raises NOT_FOUND because it has no status to return.
 */
public final class PodRuntime implements SandboxRuntime {

    private static final Logger log = LoggerFactory.getLogger(PodRuntime.class);

    private final Env env;
    private final SandboxOps sandboxOps;
    private final ContainerOps containerOps;
    private final ContainerExec containerExec;
    private final UsageReader usage;
    private final KeyedLocks locks = new KeyedLocks();
    /** How often the exit watcher looks at containers no exit file speaks for. */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(5);
    private volatile ExitWatcher exitWatcher;

    public PodRuntime(RuntimeSettings settings) {
        this(settings, new ProcessRunner(), null, null);
    }

    PodRuntime(RuntimeSettings settings, CommandRunner runner, OciRuntime oci, Cgroups cgroups) {
        Objects.requireNonNull(settings, "settings");
        ObjectMapper json = Json.MAPPER;
        Path state = settings.rootDir().resolve("state");
        OciRuntime runtime = oci != null ? oci : new ConmonRunc(runner, settings.runc(),
                settings.stateDir().resolve("runc"), settings.conmon(), settings.stateDir().resolve("exits"),
                settings.stateDir().resolve("sock"));
        this.env = new Env(settings, runner, runtime,
                new NamespacePinner(runner, settings.stateDir().resolve("ns")),
                cgroups != null ? cgroups : new LazyCgroups(),
                new RecordStore<>(state.resolve("sandboxes"), SandboxRecord.Meta.class, SandboxRecord.Status.class,
                        SandboxRecord::new, json),
                new RecordStore<>(state.resolve("containers"), ContainerRecord.Meta.class,
                        ContainerRecord.Status.class, ContainerRecord::new, json),
                new NameRegistry(), new NameRegistry(),
                Suppliers.memoize(() -> HostFacts.detect(runtime.features()))::get,
                Clock.SYSTEM, json);
        this.sandboxOps = new SandboxOps(env);
        this.containerOps = new ContainerOps(env);
        this.containerExec = new ContainerExec(env);
        this.usage = new UsageReader(env, Path.of("/proc"));
    }

    /**
     * Reloads stored state, reconciles it with the host and removes half-made leftovers. Warns once about limits
     * the host's cgroups cannot apply.
     */
    @Override
    public void recover(java.util.function.Consumer<SandboxInfo> beforeRemovingUnfinished) {
        env.host().get().cgroups().ignoredLimits().forEach(line -> log.warn("{}", line));
        new Recovery(env, containerOps, sandboxOps, beforeRemovingUnfinished).run();
        Path exits = env.settings().stateDir().resolve("exits");
        PrivateFiles.createDirectories(exits);
        try {
            exitWatcher = new ExitWatcher(exits, this::exited, this::sweep, SWEEP_EVERY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + exits, e);
        }
    }

    /** conmon wrote the exit file of {@code id}: record the exit. */
    private void exited(String id) {
        locks.with(id, () -> env.containers().get(id).ifPresent(containerOps::refresh));
    }

    /** Brings every container that is not known to have exited up to date (monitors that died silently). */
    private void sweep() {
        for (ContainerRecord c : env.containers().list()) {
            if (c.state() != ContainerState.EXITED) {
                refreshQuietly(c);
            }
        }
    }

    public SandboxInfo createSandbox(String id, PodSandboxConfig config, String runtimeHandler) {
        return locks.with(id, () -> sandboxOps.create(id, config, runtimeHandler));
    }

    public SandboxInfo setSandboxNetwork(String id, String ip, List<String> additionalIps) {
        return locks.with(id, () -> sandboxOps.setNetwork(id, ip, additionalIps));
    }

    /** Stops the sandbox's containers (killing them at once), then its infra process; idempotent. */
    public void stopSandbox(String id) {
        locks.with(id, () -> {
            for (ContainerRecord c : containersOf(id)) {
                locks.with(c.id(), () -> {
                    if (env.containers().get(c.id()).isPresent()) {
                        containerOps.kill(c.id());
                    }
                });
            }
            sandboxOps.stop(id);
            return null;
        });
    }

    /** Unpins the sandbox's namespaces and unmounts its shm; idempotent. Call after network teardown. */
    public void releaseNamespaces(String id) {
        locks.with(id, () -> {
            sandboxOps.releaseNamespaces(id);
            return null;
        });
    }

    /** Removes a sandbox; idempotent. FAILED_PRECONDITION while any of its containers remains. */
    public void removeSandbox(String id) {
        locks.with(id, () -> {
            List<ContainerRecord> remaining = containersOf(id);
            if (!remaining.isEmpty()) {
                throw BerthException.failedPrecondition("sandbox " + id + " still has "
                        + remaining.size() + " container(s)");
            }
            sandboxOps.remove(id);
            return null;
        });
    }

    public Optional<SandboxInfo> sandbox(String id) {
        return env.sandboxes().get(id).map(SandboxRecord::toInfo);
    }

    public List<SandboxInfo> sandboxes() {
        return env.sandboxes().list().stream().sorted(Comparator.comparingLong(SandboxRecord::createdAtNanos))
                .map(SandboxRecord::toInfo).toList();
    }

    public ContainerInfo createContainer(String id, String sandboxId, ContainerConfig config, ImageSpec image,
                                         String imageId, String imageRef, Path rootfs) {
        return locks.with(sandboxId, () -> locks.with(id,
                () -> containerOps.create(id, sandboxId, config, image, imageId, imageRef, rootfs)));
    }

    public ContainerInfo startContainer(String id) {
        return locks.with(id, () -> containerOps.start(id));
    }

    /**
     * Runs {@code command} in a running container and waits for it, at most {@code timeoutSeconds} (0: no
     * limit). NOT_FOUND for an unknown container, FAILED_PRECONDITION when it is not running,
     * DEADLINE_EXCEEDED when the command outlives its timeout (it is killed then).
     */
    public ExecResult execSync(String id, List<String> command, long timeoutSeconds) {
        ContainerRecord container = locks.with(id, () -> containerOps.refresh(containerOps.get(id)));
        return containerExec.run(container, command, timeoutSeconds);
    }

    /**
     * Starts {@code command} in a running container without waiting for it, with a terminal when {@code tty};
     * the caller closes the result. NOT_FOUND for an unknown container, FAILED_PRECONDITION when it is not
     * running.
     */
    public ExecProcess startExec(String id, List<String> command, boolean tty) {
        ContainerRecord container = locks.with(id, () -> containerOps.refresh(containerOps.get(id)));
        return containerExec.start(container, command, tty);
    }

    /** Connects to the container's attach socket; see {@link SandboxRuntime#attach}. */
    public ExecProcess attach(String id) {
        ContainerRecord container = locks.with(id,
                () -> ContainerOps.requireRunning(containerOps.refresh(containerOps.get(id))));
        ContainerConfig config = container.parsedConfig();
        Path bundle = Path.of(container.bundle());
        AttachedProcess.TerminalResizer resizer = config.getTty()
                ? (width, height) -> env.oci().resizeTerminal(id, bundle, width, height) : null;
        try {
            return AttachedProcess.connect(env.oci().attachSocket(id), config.getStdinOnce() && !config.getTty(),
                    resizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects to {@code port} on the pod's loopback with socat, run in the pod's network namespace by
     * nsenter; see {@link SandboxRuntime#portForward}.
     */
    public ExecProcess portForward(String sandboxId, int port) {
        return sandboxOps.portForward(sandboxId, port);
    }

    /**
     * Has the container's log file reopened at its path, as kubelet's log rotation asks after renaming it,
     * and waits until the new file exists. FAILED_PRECONDITION unless the container is running.
     */
    public void reopenContainerLog(String id) {
        locks.with(id, () -> containerOps.reopenLog(id));
    }

    /**
     * Changes the CPU, memory, pids and hugepage limits of a created or running container (kubelet's in-place
     * resize and CPU manager), and records them as the container's resources. FAILED_PRECONDITION once it has
     * exited.
     */
    public ContainerInfo updateContainerResources(String id, LinuxContainerResources resources) {
        return locks.with(id, () -> containerOps.updateResources(id, resources));
    }

    /** Stops a container: its stop signal, then SIGKILL after {@code timeoutSeconds}; idempotent. */
    public ContainerInfo stopContainer(String id, long timeoutSeconds) {
        // Only the signals are sent holding the container's lock: the grace period may last minutes, and status
        // reads, lists (kubelet relists every second) and a second stop with a shorter timeout must not wait for it.
        Optional<Path> stopping = locks.with(id, () -> containerOps.signalStop(id, timeoutSeconds));
        stopping.ifPresent(bundle -> Processes.awaitExit(env.oci(), id, bundle, Processes.timeout(timeoutSeconds)));
        return locks.with(id, () -> containerOps.kill(id));
    }

    public void removeContainer(String id) {
        locks.with(id, () -> {
            containerOps.remove(id);
            return null;
        });
    }

    @Override
    public OciFeatures features() {
        return env.host().get().oci();
    }

    /** The container's status as the exit watcher keeps it; reading writes nothing. */
    public Optional<ContainerInfo> container(String id) {
        return env.containers().get(id).map(ContainerRecord::toInfo);
    }

    public List<ContainerInfo> containers() {
        return env.containers().list().stream().sorted(Comparator.comparingLong(ContainerRecord::createdAtNanos))
                .map(ContainerRecord::toInfo).toList();
    }

    /** The container's cgroup usage; empty for an unknown container or one whose cgroup is gone. */
    public Optional<ResourceUsage> containerUsage(String id) {
        return usage.container(id);
    }

    /** The pod cgroup's usage (its containers included); empty for an unknown sandbox or a removed cgroup. */
    public Optional<ResourceUsage> sandboxUsage(String id) {
        return usage.sandbox(id);
    }

    /**
     * Counters of the pod's network interfaces but loopback; empty for an unknown or stopped sandbox, a
     * host-network pod, or while no process of the pod is alive to read them through.
     */
    public List<InterfaceUsage> sandboxInterfaces(String id) {
        return usage.interfaces(id);
    }

    private ContainerRecord refreshQuietly(ContainerRecord c) {
        try {
            return locks.with(c.id(), () -> env.containers().get(c.id()).map(containerOps::refresh).orElse(c));
        } catch (RuntimeException e) {
            log.debug("cannot refresh container {}: {}", c.id(), e.toString());
            return c;
        }
    }

    private List<ContainerRecord> containersOf(String sandboxId) {
        return env.containers().list().stream().filter(c -> c.sandboxId().equals(sandboxId)).toList();
    }

    /** Undoes the private mount of the namespace directory when no sandbox is pinned; containers keep running. */
    @Override
    public void close() {
        if (exitWatcher != null) {
            exitWatcher.close();
        }
        env.containers().writeUnwritten();
        env.sandboxes().writeUnwritten();
        try {
            if (env.sandboxes().list().isEmpty()) {
                env.pinner().releaseRoot();
            }
        } catch (RuntimeException e) {
            log.warn("cannot release namespace directory: {}", e.toString());
        }
    }

    /** Detects the host's hierarchies on first use, so constructing a runtime touches nothing. */
    private static final class LazyCgroups implements Cgroups {
        private final Supplier<Cgroups> delegate = Suppliers.memoize(CgroupfsCgroups::detect)::get;

        @Override
        public void create(String path) {
            delegate.get().create(path);
        }

        @Override
        public void remove(String path) {
            delegate.get().remove(path);
        }

        @Override
        public boolean exists(String path) {
            return delegate.get().exists(path);
        }

        @Override
        public java.util.Set<String> children(String path) {
            return delegate.get().children(path);
        }

        @Override
        public Optional<ResourceUsage> usage(String path) {
            return delegate.get().usage(path);
        }
    }
}

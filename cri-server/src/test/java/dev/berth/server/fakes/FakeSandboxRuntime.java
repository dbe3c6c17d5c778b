package dev.berth.server.fakes;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.host.BerthException;
import dev.berth.oci.ImageSpec;
import dev.berth.oci.OciFeatures;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.ContainerState;
import dev.berth.sandbox.ExecProcess;
import dev.berth.sandbox.ExecResult;
import dev.berth.sandbox.InterfaceUsage;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxRuntime;
import dev.berth.sandbox.SandboxState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory {@link SandboxRuntime}: sandboxes and containers are records in maps, with the state changes and
 * error kinds of the real runtime (idempotent stop and remove, NOT_FOUND for stopContainer of an unknown id,
 * FAILED_PRECONDITION for a container in a pod that is not ready and for removing a pod that still has
 * containers). Every call is recorded in the
 * {@link CallLog} as {@code runtime.<method>(...)}; {@link #failOn} makes a method throw after recording.
 * The {@code add}/{@code put}/{@code set} methods seed state without recording; usage is answered only for
 * the ids given canned usage, as if every other cgroup were gone. Creation times come from a counter, so
 * they are distinct and increasing. Thread-safe.
 */
public final class FakeSandboxRuntime implements SandboxRuntime {

    /** What CreateContainer handed the runtime for one container. */
    public record ContainerCreation(String id, String sandboxId, ContainerConfig config, ImageSpec image,
                                    String imageId, String imageRef, Path rootfs) {
    }

    /** The exit code a container stopped by the fake reports, as if SIGKILLed. */
    public static final int KILLED_EXIT_CODE = 137;
    /** The pid a container started by the fake reports. */
    public static final long PID = 4242;

    private final CallLog log;
    private final Failures failures = new Failures(SandboxRuntime.class);
    private final Map<String, SandboxInfo> sandboxes = new LinkedHashMap<>();
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private final Map<String, ContainerCreation> creations = new LinkedHashMap<>();
    private final Set<String> released = new HashSet<>();
    private final Map<String, ResourceUsage> usage = new LinkedHashMap<>();
    private final Map<String, List<InterfaceUsage>> interfaces = new LinkedHashMap<>();
    private long clock = 1_000_000_000L;
    private OciFeatures features = OciFeatures.none();
    private boolean closed;

    private ExecResult execResult = new ExecResult(0, new byte[0], new byte[0]);
    private java.util.function.Function<List<String>, ExecProcess> execStarter;
    private java.util.function.IntFunction<ExecProcess> portConnector;

    public FakeSandboxRuntime(CallLog log) {
        this.log = log;
    }

    /** Makes every later call of {@code method} (a {@link SandboxRuntime} method name) throw {@code failure}. */
    public synchronized void failOn(String method, RuntimeException failure) {
        failures.failOn(method, failure);
    }

    public synchronized void clearFailures() {
        failures.clear();
    }

    /** The netns path the fake gives a pod that has its own network namespace. */
    public static String netnsPath(String sandboxId) {
        return "/run/berth/ns/net-" + sandboxId;
    }

    /** The cgroup parent the fake gives a pod. */
    public static String cgroupParent(String sandboxId) {
        return "/berth/pod-" + sandboxId;
    }

    /** Seeds a READY sandbox, as createSandbox would make it; not recorded. */
    public synchronized SandboxInfo addSandbox(String id, PodSandboxConfig config) {
        SandboxInfo sandbox = newSandbox(id, config, "");
        sandboxes.put(id, sandbox);
        return sandbox;
    }

    /** Seeds or replaces a sandbox as given; not recorded. */
    public synchronized void put(SandboxInfo sandbox) {
        sandboxes.put(sandbox.id(), sandbox);
    }

    /** Seeds a container of {@code sandboxId} in the given state with plausible times; not recorded. */
    public synchronized ContainerInfo addContainer(String id, String sandboxId, ContainerConfig config,
                                                   ContainerState state) {
        long created = tick();
        long started = state == ContainerState.CREATED ? 0 : tick();
        long finished = state == ContainerState.EXITED ? tick() : 0;
        ContainerInfo container = new ContainerInfo(id, sandboxId, config, "sha256:" + "ab".repeat(32),
                "docker.io/library/busybox@sha256:" + "cd".repeat(32), created, started, finished,
                0, state == ContainerState.EXITED ? "Completed" : "", "",
                "/var/log/pods/" + id + ".log", state == ContainerState.RUNNING ? PID : 0, state);
        containers.put(id, container);
        return container;
    }

    /** Seeds or replaces a container as given; not recorded. */
    public synchronized void put(ContainerInfo container) {
        containers.put(container.id(), container);
    }

    /** What createContainer received for {@code id}, if it was called. */
    public synchronized Optional<ContainerCreation> creation(String id) {
        return Optional.ofNullable(creations.get(id));
    }

    /** Whether releaseNamespaces ran for {@code sandboxId}. */
    public synchronized boolean namespacesReleased(String sandboxId) {
        return released.contains(sandboxId);
    }

    public synchronized boolean closed() {
        return closed;
    }

    @Override
    public synchronized void recover(java.util.function.Consumer<SandboxInfo> beforeRemovingUnfinished) {
        call("recover", false);
    }

    @Override
    public synchronized SandboxInfo createSandbox(String id, PodSandboxConfig config, String runtimeHandler) {
        call("createSandbox", false, id, runtimeHandler);
        if (sandboxes.containsKey(id)) {
            throw BerthException.alreadyExists("sandbox " + id + " already exists");
        }
        SandboxInfo sandbox = newSandbox(id, config, runtimeHandler);
        sandboxes.put(id, sandbox);
        return sandbox;
    }

    @Override
    public synchronized SandboxInfo setSandboxNetwork(String id, String ip, List<String> additionalIps) {
        call("setSandboxNetwork", false, id, ip, additionalIps);
        SandboxInfo s = requireSandbox(id);
        SandboxInfo updated = new SandboxInfo(s.id(), s.config(), s.runtimeHandler(), s.createdAtNanos(), s.state(),
                s.netnsPath(), ip, additionalIps, s.cgroupParent());
        sandboxes.put(id, updated);
        return updated;
    }

    @Override
    public synchronized void stopSandbox(String id) {
        call("stopSandbox", false, id);
        SandboxInfo s = sandboxes.get(id);
        if (s == null) {
            return;
        }
        for (ContainerInfo c : List.copyOf(containers.values())) {
            if (c.sandboxId().equals(id) && c.state() != ContainerState.EXITED) {
                containers.put(c.id(), exited(c));
            }
        }
        sandboxes.put(id, new SandboxInfo(s.id(), s.config(), s.runtimeHandler(), s.createdAtNanos(),
                SandboxState.NOTREADY, s.netnsPath(), s.ip(), s.additionalIps(), s.cgroupParent()));
    }

    @Override
    public synchronized void releaseNamespaces(String id) {
        call("releaseNamespaces", false, id);
        if (sandboxes.containsKey(id)) {
            released.add(id);
        }
    }

    @Override
    public synchronized void removeSandbox(String id) {
        call("removeSandbox", false, id);
        long remaining = containers.values().stream().filter(c -> c.sandboxId().equals(id)).count();
        if (remaining > 0) {
            throw BerthException.failedPrecondition("sandbox " + id + " still has " + remaining
                    + " container(s)");
        }
        sandboxes.remove(id);
    }

    @Override
    public synchronized Optional<SandboxInfo> sandbox(String id) {
        call("sandbox", true, id);
        return Optional.ofNullable(sandboxes.get(id));
    }

    @Override
    public synchronized List<SandboxInfo> sandboxes() {
        call("sandboxes", true);
        return List.copyOf(sandboxes.values());
    }

    @Override
    public synchronized ContainerInfo createContainer(String id, String sandboxId, ContainerConfig config,
                                                      ImageSpec image, String imageId, String imageRef,
                                                      Path rootfs) {
        call("createContainer", false, id, sandboxId);
        if (requireSandbox(sandboxId).state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("sandbox " + sandboxId + " is not ready");
        }
        if (containers.containsKey(id)) {
            throw BerthException.alreadyExists("container " + id + " already exists");
        }
        creations.put(id, new ContainerCreation(id, sandboxId, config, image, imageId, imageRef, rootfs));
        ContainerInfo container = new ContainerInfo(id, sandboxId, config, imageId, imageRef, tick(), 0, 0, 0, "",
                "", "/var/log/pods/" + id + ".log", 0, ContainerState.CREATED);
        containers.put(id, container);
        return container;
    }

    @Override
    public synchronized ContainerInfo startContainer(String id) {
        call("startContainer", false, id);
        ContainerInfo c = requireContainer(id);
        if (c.state() != ContainerState.CREATED) {
            throw BerthException.failedPrecondition("container " + id + " is " + c.state());
        }
        ContainerInfo started = new ContainerInfo(c.id(), c.sandboxId(), c.config(), c.imageId(), c.imageRef(),
                c.createdAtNanos(), tick(), 0, 0, "", "", c.logPath(), PID, ContainerState.RUNNING);
        containers.put(id, started);
        return started;
    }

    @Override
    public synchronized ContainerInfo stopContainer(String id, long timeoutSeconds) {
        call("stopContainer", false, id, timeoutSeconds);
        ContainerInfo c = requireContainer(id);
        if (c.state() == ContainerState.EXITED) {
            return c;
        }
        ContainerInfo stopped = exited(c);
        containers.put(id, stopped);
        return stopped;
    }

    /** Sets what {@link #execSync} answers for running containers (exit 0 with no output unless set). */
    public synchronized void execAnswers(ExecResult result) {
        execResult = result;
    }

    @Override
    public synchronized ExecResult execSync(String id, List<String> command, long timeoutSeconds) {
        call("execSync", false, id, command, timeoutSeconds);
        ContainerInfo c = requireContainer(id);
        if (c.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + id + " is not running");
        }
        return execResult;
    }

    /**
     * Sets how {@link #startExec} starts a command in a running container and {@link #attach} attaches
     * (given the command ["attach"]); unset, both fail.
     */
    public synchronized void execStarts(java.util.function.Function<List<String>, ExecProcess> starter) {
        execStarter = starter;
    }

    @Override
    public synchronized ExecProcess startExec(String id, List<String> command, Path terminal) {
        call("startExec", false, id, command, terminal != null);
        ContainerInfo c = requireContainer(id);
        if (c.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + id + " is not running");
        }
        if (execStarter == null) {
            throw BerthException.failed("the fake runtime was given no exec process");
        }
        return execStarter.apply(command);
    }

    @Override
    public synchronized ExecProcess attach(String id) {
        call("attach", false, id);
        ContainerInfo c = requireContainer(id);
        if (c.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + id + " is not running");
        }
        if (execStarter == null) {
            throw BerthException.failed("the fake runtime was given no exec process");
        }
        return execStarter.apply(List.of("attach"));
    }

    /** Sets how {@link #portForward} connects to a port (unset: it fails). */
    public synchronized void portForwardConnects(java.util.function.IntFunction<ExecProcess> connector) {
        portConnector = connector;
    }

    @Override
    public synchronized ExecProcess portForward(String sandboxId, int port) {
        call("portForward", false, sandboxId, port);
        SandboxInfo s = sandboxes.get(sandboxId);
        if (s == null) {
            throw BerthException.notFound("sandbox " + sandboxId + " not found");
        }
        if (s.state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("sandbox " + sandboxId + " is not ready");
        }
        if (portConnector == null) {
            throw BerthException.failed("the fake runtime was given no port connector");
        }
        return portConnector.apply(port);
    }

    @Override
    public synchronized ContainerInfo updateContainerResources(String id, LinuxContainerResources resources) {
        call("updateContainerResources", false, id, resources.getMemoryLimitInBytes());
        ContainerInfo c = requireContainer(id);
        if (c.state() != ContainerState.CREATED && c.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + id + " is " + c.state());
        }
        ContainerConfig config = c.config().toBuilder()
                .setLinux(c.config().getLinux().toBuilder().setResources(resources)).build();
        ContainerInfo updated = new ContainerInfo(c.id(), c.sandboxId(), config, c.imageId(), c.imageRef(),
                c.createdAtNanos(), c.startedAtNanos(), c.finishedAtNanos(), c.exitCode(), c.reason(), c.message(),
                c.logPath(), c.pid(), c.state());
        containers.put(id, updated);
        return updated;
    }

    @Override
    public synchronized void reopenContainerLog(String id) {
        call("reopenContainerLog", false, id);
        ContainerInfo c = requireContainer(id);
        if (c.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + id + " is not running");
        }
    }

    /** What containerUsage or sandboxUsage answers for {@code id} (a container or sandbox id). */
    public synchronized void setUsage(String id, ResourceUsage value) {
        usage.put(id, value);
    }

    /** What sandboxInterfaces answers for {@code sandboxId} (no interfaces unless set). */
    public synchronized void setInterfaces(String sandboxId, List<InterfaceUsage> value) {
        interfaces.put(sandboxId, List.copyOf(value));
    }

    @Override
    public synchronized Optional<ResourceUsage> containerUsage(String id) {
        call("containerUsage", true, id);
        return containers.containsKey(id) ? Optional.ofNullable(usage.get(id)) : Optional.empty();
    }

    @Override
    public synchronized Optional<ResourceUsage> sandboxUsage(String id) {
        call("sandboxUsage", true, id);
        return sandboxes.containsKey(id) ? Optional.ofNullable(usage.get(id)) : Optional.empty();
    }

    @Override
    public synchronized List<InterfaceUsage> sandboxInterfaces(String id) {
        call("sandboxInterfaces", true, id);
        return sandboxes.containsKey(id) ? interfaces.getOrDefault(id, List.of()) : List.of();
    }

    @Override
    public synchronized void removeContainer(String id) {
        call("removeContainer", false, id);
        containers.remove(id);
    }

    @Override
    public synchronized Optional<ContainerInfo> container(String id) {
        call("container", true, id);
        return Optional.ofNullable(containers.get(id));
    }

    @Override
    public synchronized List<ContainerInfo> containers() {
        call("containers", true);
        return List.copyOf(containers.values());
    }

    /** What {@link #features} answers (no optional feature unless set). */
    public synchronized void setFeatures(OciFeatures value) {
        features = value;
    }

    @Override
    public synchronized OciFeatures features() {
        call("features", true);
        return features;
    }

    @Override
    public synchronized void close() {
        call("close", false);
        closed = true;
    }

    private void call(String method, boolean query, Object... args) {
        log.record("runtime." + method, query, args);
        failures.check(method);
    }

    private SandboxInfo newSandbox(String id, PodSandboxConfig config, String runtimeHandler) {
        boolean hostNetwork = config.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()
                == NamespaceMode.NODE;
        return new SandboxInfo(id, config, runtimeHandler, tick(), SandboxState.READY,
                hostNetwork ? null : netnsPath(id), "", new ArrayList<>(), cgroupParent(id));
    }

    private ContainerInfo exited(ContainerInfo c) {
        return new ContainerInfo(c.id(), c.sandboxId(), c.config(), c.imageId(), c.imageRef(), c.createdAtNanos(),
                c.startedAtNanos(), tick(), KILLED_EXIT_CODE, "Error", "", c.logPath(), c.pid(),
                ContainerState.EXITED);
    }

    private SandboxInfo requireSandbox(String id) {
        SandboxInfo s = sandboxes.get(id);
        if (s == null) {
            throw BerthException.notFound("sandbox " + id + " not found");
        }
        return s;
    }

    private ContainerInfo requireContainer(String id) {
        ContainerInfo c = containers.get(id);
        if (c == null) {
            throw BerthException.notFound("container " + id + " not found");
        }
        return c;
    }

    private long tick() {
        clock += 1_000;
        return clock;
    }
}

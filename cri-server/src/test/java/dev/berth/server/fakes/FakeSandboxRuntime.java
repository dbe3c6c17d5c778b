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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory {@link SandboxRuntime}: sandboxes and containers are records in maps, with the states, snapshots and
 * error kinds of the real runtime, which {@code FakeSandboxRuntimeContractTest} holds it to (the same
 * {@code SandboxRuntimeContract} runs against {@code PodRuntime}). A sandbox is NOTREADY from createSandbox until
 * setSandboxNetwork, and again once stopped or its namespaces are released; names are the pod's and the container's
 * CRI names, taken until removal; stop and remove are idempotent, stopContainer of an unknown id is NOT_FOUND.
 *
 * <p>No process runs. A container whose command is {@code sh -c "exit N"} exits with N as soon as it starts, as
 * it would for real; every other one runs until it is stopped, and then reports {@link #KILLED_EXIT_CODE}. What
 * exec, attach and port forwarding produce is whatever the test sets ({@link #execAnswers}, {@link #execStarts},
 * {@link #portForwardConnects}).
 *
 * <p>Every call is recorded in the {@link CallLog} as {@code runtime.<method>(...)}; {@link #failOn} makes a method
 * throw after recording. The {@code add}/{@code put}/{@code set} methods seed state without recording; usage is
 * answered only for the ids given canned usage, as if every other cgroup were gone. Times come from a counter,
 * so they are distinct and increasing. Thread-safe.
 */
public final class FakeSandboxRuntime implements SandboxRuntime {

    /** What CreateContainer handed the runtime for one container. */
    public record ContainerCreation(String id, String sandboxId, ContainerConfig config, ImageSpec image,
                                    String imageId, String imageRef, Path rootfs) {
    }

    /** The exit code a container stopped by the fake reports, as if SIGKILLed. */
    public static final int KILLED_EXIT_CODE = 137;
    /** The pid of every container's init process, from its creation on. */
    public static final long PID = 4242;
    /** The runtime's cgroup parent for pods for which kubelet names none, as in Berth's default configuration. */
    public static final String DEFAULT_CGROUP_PARENT = "/berth";
    /** The one command whose outcome the fake knows, {@code sh -c "exit N"}. */
    private static final Pattern EXIT_COMMAND = Pattern.compile("exit (\\d{1,3})");

    private final CallLog log;
    private final Failures failures = new Failures(SandboxRuntime.class);
    private final Map<String, SandboxInfo> sandboxes = new LinkedHashMap<>();
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private final Map<String, ContainerCreation> creations = new LinkedHashMap<>();
    private final Set<String> stopped = new HashSet<>();
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

    /** The cgroup parent the fake gives a pod for which kubelet names none. */
    public static String cgroupParent(String sandboxId) {
        return DEFAULT_CGROUP_PARENT + "/" + sandboxId;
    }

    /** Seeds a READY sandbox, as RunPodSandbox leaves it; not recorded. */
    public synchronized SandboxInfo addSandbox(String id, PodSandboxConfig config) {
        SandboxInfo sandbox = withState(newSandbox(id, config, ""), SandboxState.READY);
        put(sandbox);
        return sandbox;
    }

    /** Seeds or replaces a sandbox as given, its state included; not recorded. */
    public synchronized void put(SandboxInfo sandbox) {
        sandboxes.put(sandbox.id(), sandbox);
        stopped.remove(sandbox.id());
        released.remove(sandbox.id());
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
                "/var/log/pods/" + id + ".log", PID, state);
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
        if (id.isEmpty() || id.contains("/")) {
            throw BerthException.invalidArgument("invalid sandbox id");
        }
        if (config.getMetadata().getName().isEmpty()) {
            throw BerthException.invalid("metadata.name", "must not be empty");
        }
        if (sandboxes.containsKey(id)) {
            throw BerthException.alreadyExists("sandbox " + id + " already exists");
        }
        String name = nameKey(config);
        for (SandboxInfo other : sandboxes.values()) {
            if (nameKey(other.config()).equals(name)) {
                throw BerthException.alreadyExists("sandbox name " + name + " is reserved for " + other.id());
            }
        }
        // not ready until RunPodSandbox has attached it to the network and recorded its addresses
        SandboxInfo sandbox = newSandbox(id, config, runtimeHandler);
        sandboxes.put(id, sandbox);
        stopped.remove(id);
        released.remove(id);
        return sandbox;
    }

    @Override
    public synchronized SandboxInfo setSandboxNetwork(String id, String ip, List<String> additionalIps) {
        call("setSandboxNetwork", false, id, ip, additionalIps);
        SandboxInfo s = requireSandbox(id);
        SandboxState state = stopped.contains(id) || released.contains(id) ? SandboxState.NOTREADY
                : SandboxState.READY;
        SandboxInfo updated = new SandboxInfo(s.id(), s.config(), s.runtimeHandler(), s.createdAtNanos(), state,
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
                containers.put(c.id(), finished(c, KILLED_EXIT_CODE));
            }
        }
        stopped.add(id);
        sandboxes.put(id, withState(s, SandboxState.NOTREADY));
    }

    @Override
    public synchronized void releaseNamespaces(String id) {
        call("releaseNamespaces", false, id);
        SandboxInfo s = sandboxes.get(id);
        if (s != null) {
            released.add(id);
            sandboxes.put(id, withState(s, SandboxState.NOTREADY));
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
        return sandboxes.values().stream().sorted(Comparator.comparingLong(SandboxInfo::createdAtNanos)).toList();
    }

    @Override
    public synchronized ContainerInfo createContainer(String id, String sandboxId, ContainerConfig config,
                                                      ImageSpec image, String imageId, String imageRef,
                                                      Path rootfs) {
        call("createContainer", false, id, sandboxId);
        if (id.isEmpty() || id.contains("/")) {
            throw BerthException.invalidArgument("invalid container id");
        }
        if (config.getMetadata().getName().isEmpty()) {
            throw BerthException.invalid("metadata.name", "must not be empty");
        }
        SandboxInfo sandbox = requireSandbox(sandboxId);
        if (sandbox.state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("sandbox " + sandboxId + " is not ready");
        }
        if (containers.containsKey(id)) {
            throw BerthException.alreadyExists("container " + id + " already exists");
        }
        for (ContainerInfo other : containers.values()) {
            if (other.sandboxId().equals(sandboxId)
                    && other.config().getMetadata().getName().equals(config.getMetadata().getName())
                    && other.config().getMetadata().getAttempt() == config.getMetadata().getAttempt()) {
                throw BerthException.alreadyExists("container name " + config.getMetadata().getName()
                        + " (attempt " + config.getMetadata().getAttempt() + ") in sandbox " + sandboxId
                        + " is reserved for " + other.id());
            }
        }
        String logPath = logPath(sandbox.config(), config, id);
        creations.put(id, new ContainerCreation(id, sandboxId, config, image, imageId, imageRef, rootfs));
        ContainerInfo container = new ContainerInfo(id, sandboxId, config, imageId, imageRef, tick(), 0, 0, 0, "",
                "", logPath, PID, ContainerState.CREATED);
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
        // the real runtime learns of an exit after startContainer has returned the running container
        OptionalInt exitCode = exitCode(c.config());
        containers.put(id, exitCode.isPresent() ? finished(started, exitCode.getAsInt()) : started);
        return started;
    }

    @Override
    public synchronized ContainerInfo stopContainer(String id, long timeoutSeconds) {
        call("stopContainer", false, id, timeoutSeconds);
        ContainerInfo c = requireContainer(id);
        if (c.state() == ContainerState.EXITED) {
            return c;
        }
        ContainerInfo killed = finished(c, KILLED_EXIT_CODE);
        containers.put(id, killed);
        return killed;
    }

    /** Sets what {@link #execSync} answers for running containers (exit 0 with no output unless set). */
    public synchronized void execAnswers(ExecResult result) {
        execResult = result;
    }

    @Override
    public synchronized ExecResult execSync(String id, List<String> command, long timeoutSeconds) {
        call("execSync", false, id, command, timeoutSeconds);
        requireRunnable(requireContainer(id), command);
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
    public synchronized ExecProcess startExec(String id, List<String> command, boolean tty) {
        call("startExec", false, id, command, tty);
        requireRunnable(requireContainer(id), command);
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
        if (port < 1 || port > 65535) {
            throw BerthException.invalidArgument("port " + port + " is out of range");
        }
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
        // the real runtime reads the counters through a process of the pod: a stopped pod has none
        SandboxInfo s = sandboxes.get(id);
        return s != null && s.state() == SandboxState.READY && s.netnsPath() != null
                ? interfaces.getOrDefault(id, List.of()) : List.of();
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
        return containers.values().stream().sorted(Comparator.comparingLong(ContainerInfo::createdAtNanos))
                .toList();
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
        String kubeletParent = config.getLinux().getCgroupParent();
        return new SandboxInfo(id, config, runtimeHandler, tick(), SandboxState.NOTREADY,
                hostNetwork ? null : netnsPath(id), "", List.of(),
                kubeletParent.isBlank() ? cgroupParent(id) : kubeletParent);
    }

    private static SandboxInfo withState(SandboxInfo s, SandboxState state) {
        return new SandboxInfo(s.id(), s.config(), s.runtimeHandler(), s.createdAtNanos(), state, s.netnsPath(),
                s.ip(), s.additionalIps(), s.cgroupParent());
    }

    /** The pod's CRI name, which one sandbox at a time may hold. */
    private static String nameKey(PodSandboxConfig config) {
        var m = config.getMetadata();
        return m.getName() + "_" + m.getNamespace() + "_" + m.getUid() + "_" + m.getAttempt();
    }

    /** kubelet's log_directory + log_path when both are given, else a file of the container's own. */
    private static String logPath(PodSandboxConfig pod, ContainerConfig config, String id) {
        if (pod.getLogDirectory().isEmpty() || config.getLogPath().isEmpty()) {
            return "/run/berth/containers/" + id + "/container.log";
        }
        Path directory = Path.of(pod.getLogDirectory()).normalize();
        Path path = directory.resolve(config.getLogPath()).normalize();
        if (!path.startsWith(directory)) {
            throw BerthException.invalid("log_path", "must stay inside log_directory");
        }
        return path.toString();
    }

    /** The exit code of {@code sh -c "exit N"}, N modulo 256 as the shell has it; empty for any other command. */
    private static OptionalInt exitCode(ContainerConfig config) {
        List<String> argv = new ArrayList<>(config.getCommandList());
        argv.addAll(config.getArgsList());
        if (argv.size() == 3 && List.of("sh", "/bin/sh").contains(argv.get(0)) && argv.get(1).equals("-c")) {
            Matcher m = EXIT_COMMAND.matcher(argv.get(2).strip());
            if (m.matches()) {
                return OptionalInt.of(Integer.parseInt(m.group(1)) & 0xff);
            }
        }
        return OptionalInt.empty();
    }

    /** The container as its process ended with {@code exitCode}, now. */
    private ContainerInfo finished(ContainerInfo c, int exitCode) {
        return new ContainerInfo(c.id(), c.sandboxId(), c.config(), c.imageId(), c.imageRef(), c.createdAtNanos(),
                c.startedAtNanos(), tick(), exitCode, exitCode == 0 ? "Completed" : "Error", "", c.logPath(),
                c.pid(), ContainerState.EXITED);
    }

    /** As the real runtime checks a command to run in a container: an unknown id was refused before. */
    private static void requireRunnable(ContainerInfo c, List<String> command) {
        if (command.isEmpty()) {
            throw BerthException.invalidArgument("cmd must not be empty");
        }
        if (c.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + c.id() + " is not running");
        }
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

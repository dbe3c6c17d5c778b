package dev.berth.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cgroups.CgroupPaths;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.cri.v1.Signal;
import dev.berth.host.BerthException;
import dev.berth.host.Cleanup;
import dev.berth.host.CommandException;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.host.FileTrees;
import dev.berth.host.Poller;
import dev.berth.host.PrivateFiles;
import dev.berth.oci.HostDevice;
import dev.berth.oci.ImageSpec;
import dev.berth.oci.NamespacePaths;
import dev.berth.oci.OciSpecs;
import dev.berth.oci.SandboxFiles;
import dev.berth.oci.Seccomp;
import dev.berth.oci.SpecInput;
import dev.berth.oci.UserSpec;
import dev.berth.oci.Users;
import dev.berth.runc.BadExecutableException;
import dev.berth.runc.BadWorkingDirException;
import dev.berth.runc.ExitStatus;
import dev.berth.runc.MemoryLimitRefusedException;
import dev.berth.runc.OciRuntime;
import dev.berth.runc.RuncState;
import dev.berth.store.NameRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Container lifecycle steps. Callers hold the container's lock (and the sandbox's, to create). */
final class ContainerOps {

    /** The file in a bundle that names the container's log file. */
    static final String LOG_PATH_FILE = "log-path";

    static final String SANDBOX_ID_ANNOTATION = "io.kubernetes.cri.sandbox-id";

    private final Env env;

    ContainerOps(Env env) {
        this.env = env;
    }

    static String nameKey(ContainerConfig c, String sandboxId) {
        return c.getMetadata().getName() + "_" + sandboxId + "_" + c.getMetadata().getAttempt();
    }

    ContainerInfo create(String id, String sandboxId, ContainerConfig config, ImageSpec image, String imageId,
                         String imageRef, Path rootfs) {
        if (id == null || id.isEmpty() || id.contains("/")) {
            throw BerthException.invalidArgument("invalid container id");
        }
        if (config.getMetadata().getName().isEmpty()) {
            throw BerthException.invalid("metadata.name", "must not be empty");
        }
        SandboxRecord sandbox = env.sandboxes().get(sandboxId)
                .orElseThrow(() -> BerthException.notFound("sandbox" + " " + sandboxId + " not found"));
        if (sandbox.state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("sandbox " + sandboxId + " is not ready");
        }
        if (env.containers().get(id).isPresent()) {
            throw BerthException.alreadyExists("container " + id + " already exists");
        }
        String name = nameKey(config, sandboxId);
        Cleanup undo = new Cleanup();
        try {
            try {
                env.containerNames().reserve(name, id);
            } catch (NameRegistry.NameTakenException e) {
                throw BerthException.alreadyExists("container name " + name + " is reserved for "
                        + e.holder());
            }
            undo.add("release name", () -> env.containerNames().release(name, id));

            PodSandboxConfig podConfig = sandbox.parsedConfig();
            UserSpec user = Users.resolve(rootfs, image.user(), config, podConfig);
            Path sandboxDir = env.sandboxDir(sandboxId);
            SandboxFiles files = new SandboxFiles(sandboxDir.resolve("hostname"), sandboxDir.resolve("resolv.conf"),
                    sandboxDir.resolve("hosts"), sandbox.shm() == null ? null : Path.of(sandbox.shm()));
            NamespacePaths ns = new NamespacePaths(sandbox.netns(), sandbox.ipcns(), sandbox.utsns(),
                    pidNamespace(config, sandbox), sandbox.userns());
            String cgroupsPath = CgroupPaths.container(sandbox.cgroupParent(), id);
            createMissingMountSources(config);
            ObjectNode spec = OciSpecs.container(new SpecInput(id, config, podConfig, image, user, rootfs, ns,
                    cgroupsPath, files, env.host().get(), localhostSeccomp(config, podConfig),
                    HostDevice.of(config.getDevicesList())));
            ObjectNode annotations = spec.has("annotations") ? (ObjectNode) spec.get("annotations")
                    : spec.putObject("annotations");
            annotations.put(SANDBOX_ID_ANNOTATION, sandboxId);

            Path bundle = env.bundleDir(id);
            PrivateFiles.createDirectories(bundle);
            undo.add("delete bundle", () -> FileTrees.deleteRecursively(bundle));
            // the spec carries the container's environment, where kubelet puts secrets
            PrivateFiles.write(bundle.resolve("config.json"), env.json().writeValueAsBytes(spec));
            Failpoints.reached(Step.CREATE_CONTAINER_BUNDLE);
            Path logPath = logPath(podConfig, config, bundle);
            // kubelet numbers a container's attempts by the log files it finds: a failed create leaves none, and
            // the bundle names the file so that recovery finds it when the daemon died during the create
            boolean logExisted = Files.exists(logPath);
            PrivateFiles.write(bundle.resolve(LOG_PATH_FILE), logPath.toString().getBytes(StandardCharsets.UTF_8));
            undo.add("delete log file", () -> {
                if (!logExisted) {
                    Files.deleteIfExists(logPath);
                }
            });
            String conmonName = "k8s_" + config.getMetadata().getName() + "_" + podConfig.getMetadata().getName()
                    + "_" + podConfig.getMetadata().getNamespace() + "_" + podConfig.getMetadata().getUid() + "_"
                    + config.getMetadata().getAttempt();
            undo.add("destroy container", () -> Processes.destroy(env.oci(), id, bundle));
            long pid;
            try {
                pid = env.oci().create(new OciRuntime.Launch(id, conmonName, bundle, logPath, config.getTty(),
                        config.getStdin(), !config.getStdinOnce()));
            } catch (BadExecutableException e) {
                // a command the image does not have is the caller's mistake, not a failure of runc
                throw BerthException.invalid(OciSpecs.executableField(config, image), "names \""
                        + e.executable() + "\", which cannot be run in the container: " + e.reason(), e);
            } catch (BadWorkingDirException e) {
                if (!e.path().equals(spec.at("/process/cwd").asText())) {
                    throw e;
                }
                throw BerthException.invalid(config.getWorkingDir().isEmpty() ? "image.image" : "working_dir",
                        "names \"" + e.path() + "\", which cannot be made a directory in the container: "
                                + e.reason(), e);
            }
            Failpoints.reached(Step.CREATE_CONTAINER_CREATED);

            ContainerRecord rec = env.containers().create(id, new ContainerRecord.Meta(id, sandboxId, name,
                    config.toByteArray(), imageId, imageRef, env.now(), logPath.toString(), bundle.toString(),
                    stopSignal(config, image), user), ContainerRecord.Status.created(pid));
            undo.commit();
            Failpoints.reached(Step.CREATE_CONTAINER_RECORD);
            return rec.toInfo();
        } catch (IOException e) {
            throw undo.rollback(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw undo.rollback(e);
        }
    }

    /**
     * Creates the host directories of bind mounts that do not exist yet, as containerd does: kubelet leaves a
     * hostPath volume without a type to the runtime, and such pods expect an empty directory.
     */
    private static void createMissingMountSources(ContainerConfig config) throws IOException {
        for (int i = 0; i < config.getMountsCount(); i++) {
            Path source = Path.of(config.getMounts(i).getHostPath());
            if (!Files.exists(source, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(source)) {
                try {
                    Files.createDirectories(source);
                } catch (IOException e) {
                    throw BerthException.invalid("mounts[" + i + "].host_path", source + " does not exist and"
                            + " cannot be created: " + e, e);
                }
            }
        }
    }

    /** The parsed Localhost seccomp profile the container asks for, or null when it asks for none. */
    private JsonNode localhostSeccomp(ContainerConfig config, PodSandboxConfig pod) {
        Optional<SecurityProfile> profile = Seccomp.requested(config, pod);
        if (profile.isEmpty() || profile.get().getProfileType() != SecurityProfile.ProfileType.Localhost) {
            return null;
        }
        String ref = profile.get().getLocalhostRef();
        if (!ref.startsWith("/")) {
            throw BerthException.invalid(Seccomp.LOCALHOST_FIELD, "must be an absolute path, not \"" + ref + "\"");
        }
        try {
            return env.json().readTree(Path.of(ref).toFile());
        } catch (IOException e) {
            throw BerthException.invalid(Seccomp.LOCALHOST_FIELD, ref + " cannot be read as a seccomp profile: "
                    + e.getMessage(), e);
        }
    }

    /** kubelet's log_directory + log_path when both are given, else a file in the bundle. */
    static Path logPath(PodSandboxConfig pod, ContainerConfig c, Path bundle) {
        if (!pod.getLogDirectory().isEmpty() && !c.getLogPath().isEmpty()) {
            Path p = Path.of(pod.getLogDirectory()).resolve(c.getLogPath()).normalize();
            if (!p.startsWith(Path.of(pod.getLogDirectory()).normalize())) {
                throw BerthException.invalid("log_path", "must stay inside log_directory");
            }
            // the kernel's PATH_MAX: conmon could not open a longer one
            if (p.toString().getBytes(StandardCharsets.UTF_8).length >= 4096) {
                throw BerthException.invalid("log_path", "makes a path of 4096 bytes or more under the pod's"
                        + " log directory");
            }
            return p;
        }
        return bundle.resolve("container.log");
    }

    /** The CRI stop signal when set, else the image's STOPSIGNAL, else SIGTERM. */
    static String stopSignal(ContainerConfig c, ImageSpec image) {
        if (c.getStopSignal() != Signal.SIGNAL_RUNTIME_DEFAULT && c.getStopSignal() != Signal.UNRECOGNIZED) {
            return c.getStopSignal().name().substring("SIGNAL_".length());
        }
        if (image.stopSignal() != null && !image.stopSignal().isBlank()) {
            return image.stopSignal().strip();
        }
        return "SIGTERM";
    }

    private String pidNamespace(ContainerConfig c, SandboxRecord sandbox) {
        var sc = c.getLinux().getSecurityContext();
        NamespaceMode mode = sc.hasNamespaceOptions() ? sc.getNamespaceOptions().getPid()
                : SandboxOps.options(sandbox.parsedConfig()).getPid();
        return switch (mode) {
            case NODE -> null;
            case POD -> sandbox.infraId() != null && sandbox.infraPid() > 0
                    ? "/proc/" + sandbox.infraPid() + "/ns/pid" : "";
            case TARGET -> {
                String target = sc.getNamespaceOptions().getTargetId();
                ContainerRecord t = env.containers().get(target).map(this::refresh).orElseThrow(
                        () -> BerthException.notFound("target container " + target + " not found"));
                if (t.state() != ContainerState.RUNNING) {
                    throw BerthException.failedPrecondition("target container " + target
                            + " is not running");
                }
                yield "/proc/" + t.pid() + "/ns/pid";
            }
            default -> "";
        };
    }

    ContainerInfo start(String id) {
        ContainerRecord rec = refresh(get(id));
        if (rec.state() != ContainerState.CREATED) {
            throw BerthException.failedPrecondition("container " + id + " is " + rec.state()
                    + ", not CREATED");
        }
        // taken before runc returns: a short-lived process may already have exited by then
        long startedAt = env.now();
        try {
            env.oci().start(id);
            Failpoints.reached(Step.START_CONTAINER_STARTED);
        } catch (CommandException e) {
            Optional<ExitStatus> exit = Processes.awaitExit(env.oci(), id, Path.of(rec.bundle()),
                    Duration.ofSeconds(2));
            env.containers().update(id, r -> r.withExit(exit.map(ExitStatus::finishedAtNanos).orElse(env.now()),
                    exit.map(ExitStatus::exitCode).orElse(128), "Error", e.getMessage()));
            throw BerthException.failed("cannot start container " + id, e);
        }
        return env.containers().update(id, r -> r.withStarted(startedAt)).toInfo();
    }

    /**
     * Has conmon reopen the log file at its path (kubelet renamed the old one) and waits until the new file
     * exists. FAILED_PRECONDITION unless the container is running.
     */
    void reopenLog(String id) {
        ContainerRecord container = requireRunning(refresh(get(id)));
        env.oci().reopenLog(id, Path.of(container.bundle()));
        Path log = Path.of(container.logPath());
        if (!Poller.await(Duration.ofSeconds(5), () -> Files.exists(log))) {
            throw BerthException.failed("conmon did not reopen " + log + " within 5 s");
        }
    }

    /**
     * Applies new CPU, memory, pids and hugepage limits with runc update and records them as the limits in force.
     * FAILED_PRECONDITION once the container has exited.
     */
    ContainerInfo updateResources(String id, LinuxContainerResources resources) {
        ContainerRecord container = refresh(get(id));
        if (container.state() != ContainerState.CREATED && container.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + id + " is " + container.state()
                    + ": its resources cannot change");
        }
        Path file = Path.of(container.bundle()).resolve("resources-update.json");
        try {
            PrivateFiles.write(file,
                    env.json().writeValueAsBytes(OciSpecs.updatedResources(resources, env.host().get())));
            env.oci().update(id, file);
        } catch (MemoryLimitRefusedException e) {
            throw BerthException.failedPrecondition("container " + id + " cannot take the memory limit of "
                    + resources.getMemoryLimitInBytes() + " bytes now (below its usage, or above its memory+swap"
                    + " limit): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the bundle goes with the container
            }
        }
        return env.containers().update(id, r -> r.withResources(resources.toByteArray())).toInfo();
    }

    /**
     * Sends a running container its stop signal. Returns the bundle to wait in for its exit, or empty when there is
     * nothing to wait for: it has exited, {@code timeoutSeconds} is 0, or the signal could not be sent.
     */
    Optional<Path> signalStop(String id, long timeoutSeconds) {
        ContainerRecord rec = refresh(get(id));
        if (rec.state() == ContainerState.EXITED || timeoutSeconds <= 0) {
            return Optional.empty();
        }
        try {
            if (Processes.signal(env.oci(), id, rec.stopSignal())) {
                return Optional.of(Path.of(rec.bundle()));
            }
        } catch (CommandException e) {
            // an image's STOPSIGNAL runc does not understand must not keep the container alive: it is killed
        }
        return Optional.empty();
    }

    /** Kills a container that still runs and waits for its exit; idempotent. */
    ContainerInfo kill(String id) {
        ContainerRecord rec = refresh(get(id));
        if (rec.state() == ContainerState.EXITED) {
            return rec.toInfo();
        }
        Path bundle = Path.of(rec.bundle());
        Processes.signal(env.oci(), id, "KILL");
        Optional<ExitStatus> exit = Processes.awaitExit(env.oci(), id, bundle, Processes.KILL_WAIT);
        if (exit.isEmpty() && env.oci().monitorAlive(id, bundle)) {
            throw BerthException.failed("container " + id + " did not exit after SIGKILL");
        }
        return refresh(get(id)).toInfo();
    }

    void remove(String id) {
        ContainerRecord rec = env.containers().get(id).orElse(null);
        if (rec == null) {
            return;
        }
        Path bundle = Path.of(rec.bundle());
        Processes.destroy(env.oci(), id, bundle);
        FileTrees.deleteRecursively(bundle);
        env.containers().remove(id);
        env.containerNames().release(rec.name(), id);
    }

    /** {@code container} itself when it runs; FAILED_PRECONDITION otherwise, naming its state. */
    static ContainerRecord requireRunning(ContainerRecord container) {
        if (container.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + container.id() + " is not running (" + container.state() + ")");
        }
        return container;
    }

    ContainerRecord get(String id) {
        return env.containers().get(id).orElseThrow(() -> BerthException.notFound("container" + " " + id + " not found"));
    }

    /** Brings a container's stored status up to date with its exit file and, if needed, runc. */
    ContainerRecord refresh(ContainerRecord rec) {
        if (rec.state() == ContainerState.EXITED) {
            return rec;
        }
        Path bundle = Path.of(rec.bundle());
        Optional<ExitStatus> exit = env.oci().exitStatus(rec.id());
        if (exit.isEmpty() && !env.oci().monitorAlive(rec.id(), bundle)) {
            // the monitor may have written the file between the two checks
            exit = env.oci().exitStatus(rec.id());
            if (exit.isEmpty()) {
                return lostMonitor(rec);
            }
        }
        if (exit.isEmpty()) {
            return rec.unknown() ? env.containers().update(rec.id(), r -> r.withUnknown(false)) : rec;
        }
        ExitStatus e = exit.get();
        boolean oom = Files.exists(bundle.resolve("oom"));
        return env.containers().update(rec.id(),
                r -> r.withExit(e.finishedAtNanos(), e.exitCode(), ContainerRecord.reasonFor(e.exitCode(), oom), ""));
    }

    /** The monitor is gone without an exit file: ask runc what it knows. */
    private ContainerRecord lostMonitor(ContainerRecord rec) {
        Optional<RuncState> state;
        try {
            state = env.oci().state(rec.id());
        } catch (CommandException e) {
            return env.containers().update(rec.id(), r -> r.withUnknown(true));
        }
        if (state.isPresent() && ("running".equals(state.get().status()) || "created".equals(state.get().status()))) {
            // still alive, only unmonitored: its exit code will not be recorded
            return env.containers().update(rec.id(), r -> r.withUnknown(true));
        }
        return env.containers().update(rec.id(), r -> r.withExit(env.now(), 255, "Unknown",
                "container monitor exited without recording an exit code"));
    }
}

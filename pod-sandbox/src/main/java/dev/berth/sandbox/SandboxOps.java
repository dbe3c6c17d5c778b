package dev.berth.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cgroups.CgroupPaths;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import dev.berth.host.Cleanup;
import dev.berth.host.CommandException;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.host.FileTrees;
import dev.berth.host.MountTable;
import dev.berth.host.PrivateFiles;
import dev.berth.ns.PinnedNamespaces;
import dev.berth.oci.NamespacePaths;
import dev.berth.oci.OciSpecs;
import dev.berth.runc.OciRuntime;
import dev.berth.store.NameRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Sandbox lifecycle steps. Callers hold the sandbox's lock. Thread-safe given that. */
final class SandboxOps {

    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);
    static final String SHM_SIZE = "64m";
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> POD_FILE_MODE =
            PosixFilePermissions.fromString("rw-r--r--");

    private final Env env;

    SandboxOps(Env env) {
        this.env = env;
    }

    static String nameKey(PodSandboxConfig c) {
        var m = c.getMetadata();
        return m.getName() + "_" + m.getNamespace() + "_" + m.getUid() + "_" + m.getAttempt();
    }

    static NamespaceOption options(PodSandboxConfig c) {
        return c.getLinux().getSecurityContext().getNamespaceOptions();
    }

    /** The pod's hostname; like containerd and CRI-O, a pod that names none gets the node's. */
    static String hostname(PodSandboxConfig c) {
        return c.getHostname().isEmpty() ? hostHostname() : c.getHostname();
    }

    SandboxInfo create(String id, PodSandboxConfig config, String runtimeHandler) {
        if (id == null || id.isEmpty() || id.contains("/")) {
            throw BerthException.invalidArgument("invalid sandbox id");
        }
        if (config.getMetadata().getName().isEmpty()) {
            throw BerthException.invalid("metadata.name", "must not be empty");
        }
        OciSpecs.checkSysctls(config);
        Optional<UserNamespace> userns = OciSpecs.podUserNamespace(config, env.host().get());
        String kubeletParent = config.getLinux().getCgroupParent();
        String parent = CgroupPaths.podParent(kubeletParent, env.settings().defaultCgroupParent(), id);
        boolean owned = kubeletParent.isBlank();
        // kubelet makes a pod's cgroup before it runs the pod; runc would make a missing one, and the directories
        // it made above the container's would stay on the node after the pod is gone
        if (!owned && !parent.equals("/") && !env.cgroups().exists(parent)) {
            throw BerthException.invalid("linux.cgroup_parent", "names " + BerthException.printable(parent)
                    + ", a cgroup that does not exist");
        }
        if (!"cgroupfs".equals(env.settings().cgroupDriver())) {
            throw BerthException.failedPrecondition("cgroup driver " + env.settings().cgroupDriver() + " is not supported yet");
        }
        if (env.sandboxes().get(id).isPresent()) {
            throw BerthException.alreadyExists("sandbox " + id + " already exists");
        }
        NamespaceOption ns = options(config);
        boolean hostNet = ns.getNetwork() == NamespaceMode.NODE;
        boolean hostIpc = ns.getIpc() == NamespaceMode.NODE;
        boolean infra = ns.getPid() == NamespaceMode.POD;
        String name = nameKey(config);
        String hostname = hostNet ? hostHostname() : hostname(config);
        Cleanup undo = new Cleanup();
        try {
            try {
                env.sandboxNames().reserve(name, id);
            } catch (NameRegistry.NameTakenException e) {
                throw BerthException.alreadyExists("sandbox name " + name + " is reserved for "
                        + e.holder());
            }
            undo.add("release name", () -> env.sandboxNames().release(name, id));

            Path dir = env.sandboxDir(id);
            PrivateFiles.createDirectories(dir);
            undo.add("delete sandbox dir", () -> FileTrees.deleteRecursively(dir));
            writeFiles(dir, config, hostNet, hostname, "", List.of());
            Failpoints.reached(Step.RUN_POD_DIRECTORY);

            Path shm = null;
            if (!hostIpc) {
                shm = dir.resolve("shm");
                mountShm(shm);
                Path mounted = shm;
                undo.add("unmount shm", () -> unmount(mounted));
                Failpoints.reached(Step.RUN_POD_SHM);
            }

            if (owned) {
                env.cgroups().create(parent);
                undo.add("remove pod cgroup", () -> env.cgroups().remove(parent));
                Failpoints.reached(Step.RUN_POD_CGROUP);
            }

            PinnedNamespaces pins = env.pinner().pin(id, !hostNet, !hostIpc, !hostNet, hostname,
                    userns.orElse(null));
            undo.add("unpin namespaces", () -> env.pinner().unpin(pins));
            setSysctls(config, pins);
            Failpoints.reached(Step.RUN_POD_NAMESPACES);

            String infraId = null;
            long infraPid = 0;
            if (infra) {
                infraId = id;
                infraPid = startInfra(id, config, pins, parent, undo);
                Failpoints.reached(Step.RUN_POD_INFRA);
            }

            SandboxRecord rec = env.sandboxes().create(id, new SandboxRecord.Meta(id, name, config.toByteArray(),
                    runtimeHandler, env.now(), str(pins.net()), str(pins.ipc()), str(pins.uts()), str(shm), parent,
                    owned, infraId, str(pins.user())), SandboxRecord.Status.unfinished(infraPid));
            undo.commit();
            Failpoints.reached(Step.RUN_POD_RECORD);
            return rec.toInfo();
        } catch (IOException e) {
            throw undo.rollback(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw undo.rollback(e);
        }
    }

    private long startInfra(String id, PodSandboxConfig config, PinnedNamespaces pins, String parent,
                            Cleanup undo) throws IOException {
        Path bundle = infraBundle(id);
        Path rootfs = bundle.resolve("rootfs");
        PrivateFiles.createDirectories(bundle);
        // the infra process's "/": as on any root filesystem, everyone may pass through it
        Files.createDirectories(rootfs);
        Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
        NamespacePaths paths = new NamespacePaths(str(pins.net()), str(pins.ipc()), str(pins.uts()), "",
                str(pins.user()));
        ObjectNode spec = OciSpecs.infra(id, rootfs, paths, CgroupPaths.container(parent, id), config,
                env.host().get());
        PrivateFiles.write(bundle.resolve("config.json"), env.json().writeValueAsBytes(spec));
        OciRuntime.Launch launch = new OciRuntime.Launch(id, "k8s_POD_" + nameKey(config), bundle,
                bundle.resolve("infra.log"));
        undo.add("destroy infra container", () -> Processes.destroy(env.oci(), id, bundle));
        long pid = env.oci().create(launch);
        env.oci().start(id);
        return pid;
    }

    /**
     * Sets the pod's sysctls in its namespaces now, as CRI-O's pinns does, so that a value the kernel refuses fails
     * RunPodSandbox, naming it, rather than every container of the pod. runc sets them again in each container's
     * spec, to the same effect.
     */
    private void setSysctls(PodSandboxConfig config, PinnedNamespaces pins) {
        for (Map.Entry<String, String> e : new TreeMap<>(config.getLinux().getSysctlsMap()).entrySet()) {
            try {
                env.pinner().setSysctl(pins, e.getKey(), e.getValue());
            } catch (CommandException refused) {
                throw BerthException.invalid("linux.sysctls[" + e.getKey() + "]", "cannot be set to \""
                        + BerthException.printable(e.getValue()) + "\": " + refused.getMessage(), refused);
            }
        }
    }

    Path infraBundle(String id) {
        return env.sandboxDir(id).resolve("infra");
    }

    private void writeFiles(Path dir, PodSandboxConfig config, boolean hostNet, String hostname, String ip,
                            List<String> additionalIps) throws IOException {
        writePodFile(dir.resolve("hostname"), PodFiles.hostnameFile(hostname));
        String resolv = PodFiles.resolvConf(config.getDnsConfig());
        writePodFile(dir.resolve("resolv.conf"),
                resolv != null ? resolv : Files.readString(Path.of("/etc/resolv.conf"), StandardCharsets.UTF_8));
        // a pod on the host network sees the node's own name resolution
        writePodFile(dir.resolve("hosts"), hostNet ? Files.readString(Path.of("/etc/hosts"), StandardCharsets.UTF_8)
                : PodFiles.hosts(hostname, ip, additionalIps));
    }

    /**
     * Writes a file that is bind-mounted into the pod's containers, readable by every user in them whatever the
     * daemon's umask; the sandbox directory around it keeps other host users out.
     */
    static void writePodFile(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, POD_FILE_MODE);
    }

    private static String hostHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void mountShm(Path shm) throws IOException {
        Files.createDirectories(shm);
        env.runner().run(List.of("mount", "-t", "tmpfs", "-o",
                "mode=1777,size=" + SHM_SIZE + ",nosuid,nodev,noexec", "shm", shm.toString()), MOUNT_TIMEOUT);
    }

    private void unmount(Path p) {
        if (MountTable.isMountPoint(p)) {
            env.runner().run(List.of("umount", "--lazy", p.toString()), MOUNT_TIMEOUT);
        }
    }

    SandboxInfo setNetwork(String id, String ip, List<String> additionalIps) {
        SandboxRecord rec = env.sandboxes().get(id).orElseThrow(() -> BerthException.notFound("sandbox" + " " + id + " not found"));
        SandboxRecord next = env.sandboxes().update(id, r -> r.withNetwork(ip, additionalIps, env.now()));
        if (rec.netns() != null) {
            try {
                writePodFile(env.sandboxDir(id).resolve("hosts"),
                        PodFiles.hosts(hostname(rec.parsedConfig()), next.ip(), next.additionalIps()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return next.toInfo();
    }

    /**
     * Connects to {@code port} on the pod's loopback with socat, run in the pod's network namespace by nsenter;
     * the caller closes the result.
     */
    ExecProcess portForward(String id, int port) {
        if (port < 1 || port > 65535) {
            throw BerthException.invalidArgument("port " + port + " is out of range");
        }
        SandboxRecord sandbox = env.sandboxes().get(id)
                .orElseThrow(() -> BerthException.notFound("sandbox " + id + " not found"));
        if (sandbox.state() != SandboxState.READY) {
            throw BerthException.failedPrecondition("sandbox " + id + " is not ready");
        }
        List<String> argv = new java.util.ArrayList<>();
        if (sandbox.netns() != null) {
            argv.addAll(List.of("nsenter", "--net=" + sandbox.netns()));
        }
        argv.addAll(List.of("socat", "STDIO", "TCP4:127.0.0.1:" + port));
        return new HostProcess(env.runner().start(argv, null));
    }

    /** Kills the infra container and marks the sandbox stopped; containers are stopped by the caller first. */
    void stop(String id) {
        SandboxRecord rec = env.sandboxes().get(id).orElse(null);
        if (rec == null) {
            return;
        }
        if (rec.infraId() != null && Files.exists(infraBundle(id))) {
            Processes.destroy(env.oci(), rec.infraId(), infraBundle(id));
        }
        if (rec.stoppedAtNanos() == 0) {
            env.sandboxes().update(id, r -> r.withStopped(env.now()));
        }
    }

    void releaseNamespaces(String id) {
        SandboxRecord rec = env.sandboxes().get(id).orElse(null);
        if (rec == null) {
            return;
        }
        env.pinner().unpin(rec.pins());
        if (rec.shm() != null) {
            unmount(Path.of(rec.shm()));
        }
        if (!rec.namespacesReleased()) {
            env.sandboxes().update(id, SandboxRecord.Status::withReleased);
        }
    }

    /** Removes a stopped sandbox's cgroup, files and state. */
    void remove(String id) {
        SandboxRecord rec = env.sandboxes().get(id).orElse(null);
        if (rec == null) {
            return;
        }
        stop(id);
        releaseNamespaces(id);
        if (rec.cgroupOwned()) {
            env.cgroups().remove(rec.cgroupParent());
        }
        FileTrees.deleteRecursively(env.sandboxDir(id));
        Failpoints.reached(Step.REMOVE_POD_FILES);
        env.sandboxes().remove(id);
        env.sandboxNames().release(rec.name(), id);
    }

    static String str(Path p) {
        return p == null ? null : p.toString();
    }
}

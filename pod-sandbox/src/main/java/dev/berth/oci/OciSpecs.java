package dev.berth.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds OCI runtime specs ({@code config.json}, ociVersion 1.0.2) for containers and for a pod's infra process.
 *
 * <p>Pure functions of their arguments: no files are read, with the single exception of the host device nodes a
 * CRI config explicitly asks for. Stateless and thread-safe. Arguments must not be null unless documented
 * otherwise; invalid requests raise {@link IllegalArgumentException} whose message names the offending field.
 */
public final class OciSpecs {
    static final String OCI_VERSION = "1.0.2";
    /** What kubelet gives its pause container; clamped to Berth's own like every other value. */
    static final int INFRA_OOM_SCORE_ADJ = -998;

    static final String TYPE = "io.kubernetes.cri.container-type";
    static final String SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";
    static final String SANDBOX_NAME = "io.kubernetes.cri.sandbox-name";
    static final String SANDBOX_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";
    static final String SANDBOX_UID = "io.kubernetes.cri.sandbox-uid";

    private OciSpecs() {
    }

    /**
     * The spec of a container of a pod.
     *
     * <p>{@link SpecInput} carries no sandbox id, so the {@code io.kubernetes.cri.sandbox-id} annotation is not
     * set here; the runtime adds it with
     * {@code ((ObjectNode) spec.get("annotations")).put("io.kubernetes.cri.sandbox-id", id)}.
     *
     * @param in everything the spec depends on; {@code in.sandboxFiles()} may be null
     * @return a new, mutable tree the caller may serialise as {@code config.json}
     * @throws BerthException.InvalidArgument      if the CRI config is invalid (no command, relative mount path,
     *                                       namespaced sysctl of a host namespace ...)
     * @throws UnsupportedOperationException if the container asks for RuntimeDefault seccomp on an architecture
     *                                       Berth's profile does not cover
     */
    public static ObjectNode container(SpecInput in) {
        ContainerConfig c = in.container();
        LinuxContainerSecurityContext sc = c.getLinux().getSecurityContext();
        LinuxContainerResources r = c.getLinux().getResources();
        HostFacts host = in.host();
        String hostname = in.sandbox().getHostname();
        Optional<UserNamespace> userns = UserNamespaces.ofContainer(c, in.sandbox(), host);

        ObjectNode spec = Json.object();
        spec.put("ociVersion", OCI_VERSION);

        ObjectNode process = spec.putObject("process");
        process.put("terminal", c.getTty());
        process.set("user", user(in.user()));
        process.set("args", Json.strings(ProcessArgs.merge(c, in.image())));
        process.set("env", Json.strings(Env.build(c, in.image(), hostname)));
        process.put("cwd", cwd(c, in.image()));
        List<String> caps = Capabilities.effective(sc.getPrivileged(),
                sc.getCapabilities().getAddCapabilitiesList(), sc.getCapabilities().getDropCapabilitiesList(),
                host.boundingCapabilities());
        process.set("capabilities", capabilities(caps));
        process.put("noNewPrivileges", sc.getNoNewPrivs());
        process.put("oomScoreAdj", (int) Math.max(r.getOomScoreAdj(), host.oomScoreAdj()));

        ObjectNode root = spec.putObject("root");
        root.put("path", in.rootfs().toString());
        root.put("readonly", sc.getReadonlyRootfs());

        if (in.namespaces().uts() != null && !hostname.isEmpty()) {
            spec.put("hostname", hostname);
        }

        spec.set("mounts", Mounts.container(c.getMountsList(), in.sandboxFiles(), sc.getPrivileged(),
                sc.getReadonlyRootfs(), host, userns.orElse(null)));

        Map<String, String> annotations = new TreeMap<>(c.getAnnotationsMap());
        annotations.put(TYPE, "container");
        annotations.put(CONTAINER_NAME, c.getMetadata().getName());
        putSandboxAnnotations(annotations, in.sandbox());

        ObjectNode linux = spec.putObject("linux");
        ArrayNode linuxDevices = Json.array();
        linux.set("resources", LinuxSection.resources(r, "linux.resources.", sc.getPrivileged(), host,
                c.getDevicesList(), in.devices(), linuxDevices));
        if (!linuxDevices.isEmpty()) {
            linux.set("devices", linuxDevices);
        }
        if (in.cgroupsPath() != null && !in.cgroupsPath().isEmpty()) {
            linux.put("cgroupsPath", in.cgroupsPath());
        }
        linux.set("namespaces", LinuxSection.namespaces(in.namespaces(), host.cgroupV2()));
        LinuxSection.userNamespace(linux, in.namespaces(), userns);
        String rootfsPropagation = LinuxSection.rootfsPropagation(c.getMountsList());
        if (rootfsPropagation != null) {
            linux.put("rootfsPropagation", rootfsPropagation);
        }
        ObjectNode sysctls = LinuxSection.sysctls(in.sandbox());
        if (!sysctls.isEmpty()) {
            linux.set("sysctl", sysctls);
        }
        LinuxSection.maskedAndReadonly(linux, sc);
        Seccomp.filter(Seccomp.requested(c, in.sandbox()), sc.getPrivileged(), Set.copyOf(caps),
                in.localhostSeccomp(), host.arch()).ifPresent(seccomp -> linux.set("seccomp", seccomp));

        spec.set("annotations", annotationsJson(annotations));
        return spec;
    }

    /**
     * The spec of a pod's infra process, which holds a pod-shared PID namespace: {@code /catatonit -P} as PID 1,
     * in an empty read-only rootfs into which the static {@code /usr/bin/catatonit} is bind-mounted read-only.
     *
     * @param sandboxId   the pod's id
     * @param rootfs      an empty directory (the runtime's mount point for {@code /catatonit} is created by runc)
     * @param namespaces  normally the pod's pinned network/IPC/UTS paths and {@code ""} for PID
     * @param cgroupsPath the infra process's cgroup, may be null or {@code ""}
     * @param sandbox     the pod's CRI config
     * @param host        facts about the host
     */
    public static ObjectNode infra(String sandboxId, Path rootfs, NamespacePaths namespaces, String cgroupsPath,
                                   PodSandboxConfig sandbox, HostFacts host) {
        ObjectNode spec = Json.object();
        spec.put("ociVersion", OCI_VERSION);

        ObjectNode process = spec.putObject("process");
        process.put("terminal", false);
        process.set("user", user(UserSpec.root()));
        process.set("args", Json.strings(List.of("/catatonit", "-P")));
        process.set("env", Json.strings(List.of(Env.DEFAULT_PATH)));
        process.put("cwd", "/");
        // catatonit only reaps and forwards signals, which needs no capability
        process.set("capabilities", capabilities(List.of()));
        process.put("noNewPrivileges", true);
        process.put("oomScoreAdj", Math.max(INFRA_OOM_SCORE_ADJ, host.oomScoreAdj()));

        ObjectNode root = spec.putObject("root");
        root.put("path", rootfs.toString());
        root.put("readonly", true);

        if (namespaces.uts() != null && !sandbox.getHostname().isEmpty()) {
            spec.put("hostname", sandbox.getHostname());
        }

        ArrayNode mounts = spec.putArray("mounts");
        for (Mounts.Entry e : Mounts.standard(false, null)) {
            mounts.add(e.toJson());
        }
        mounts.add(new Mounts.Entry("/catatonit", "bind", "/usr/bin/catatonit",
                List.of("rbind", "rprivate", "ro")).toJson());

        ObjectNode linux = spec.putObject("linux");
        linux.putObject("resources").putArray("devices").addObject().put("allow", false).put("access", "rwm");
        if (cgroupsPath != null && !cgroupsPath.isEmpty()) {
            linux.put("cgroupsPath", cgroupsPath);
        }
        linux.set("namespaces", LinuxSection.namespaces(namespaces, host.cgroupV2()));
        LinuxSection.userNamespace(linux, namespaces, UserNamespaces.ofPod(sandbox, host));
        linux.set("maskedPaths", Json.strings(LinuxSection.MASKED_PATHS));
        linux.set("readonlyPaths", Json.strings(LinuxSection.READONLY_PATHS));

        Map<String, String> annotations = new TreeMap<>(sandbox.getAnnotationsMap());
        annotations.put(TYPE, "sandbox");
        annotations.put(SANDBOX_ID, sandboxId);
        putSandboxAnnotations(annotations, sandbox);
        spec.set("annotations", annotationsJson(annotations));
        return spec;
    }

    /**
     * The process's argv: a CRI command replaces the image ENTRYPOINT and CRI args replace the image CMD; a
     * command given without args drops the image CMD as well.
     *
     * @throws BerthException.InvalidArgument "no command specified" if the result is empty
     */
    public static List<String> processArgs(ContainerConfig c, ImageSpec image) {
        return ProcessArgs.merge(c, image);
    }

    /**
     * Checks the pod's sysctls as its containers' specs will carry them, so that a pod whose containers could
     * never be created is refused when it is run.
     *
     * @throws BerthException.InvalidArgument naming {@code linux.sysctls[<key>]}
     */
    public static void checkSysctls(PodSandboxConfig sandbox) {
        LinuxSection.sysctls(sandbox);
    }

    /**
     * Checks the pod's user namespace options ({@code linux.security_context.namespace_options.userns_options})
     * against the CRI's rules and what this node can do, and returns them when the pod has a user namespace of its
     * own (mode POD), empty when it uses the node's.
     *
     * @throws BerthException.InvalidArgument naming the field of {@code userns_options} that cannot be honoured
     */
    public static Optional<UserNamespace> podUserNamespace(PodSandboxConfig sandbox, HostFacts host) {
        return UserNamespaces.ofPod(sandbox, host);
    }

    /**
     * The field of the container config that names the process's executable, for errors about it:
     * {@code command[0]}, {@code args[0]} when the image has no entrypoint, or {@code image.image} when the
     * executable comes from the image's ENTRYPOINT or CMD.
     */
    public static String executableField(ContainerConfig c, ImageSpec image) {
        return ProcessArgs.executableField(c, image);
    }

    private static String cwd(ContainerConfig c, ImageSpec image) {
        if (!c.getWorkingDir().isEmpty()) {
            return c.getWorkingDir();
        }
        return image.workingDir().isEmpty() ? "/" : image.workingDir();
    }

    private static ObjectNode user(UserSpec u) {
        ObjectNode user = Json.object();
        user.put("uid", u.uid());
        user.put("gid", u.gid());
        if (!u.additionalGids().isEmpty()) {
            ArrayNode gids = user.putArray("additionalGids");
            u.additionalGids().forEach(gids::add);
        }
        return user;
    }

    private static ObjectNode capabilities(List<String> caps) {
        ObjectNode c = Json.object();
        // no inheritable or ambient set: granting inheritable lets exec'd files regain capabilities (CVE-2022-24769)
        c.set("bounding", Json.strings(caps));
        c.set("effective", Json.strings(caps));
        c.set("permitted", Json.strings(caps));
        return c;
    }

    private static void putSandboxAnnotations(Map<String, String> a, PodSandboxConfig sandbox) {
        a.put(SANDBOX_NAME, sandbox.getMetadata().getName());
        a.put(SANDBOX_NAMESPACE, sandbox.getMetadata().getNamespace());
        a.put(SANDBOX_UID, sandbox.getMetadata().getUid());
    }

    private static ObjectNode annotationsJson(Map<String, String> annotations) {
        ObjectNode a = Json.object();
        annotations.forEach(a::put);
        return a;
    }

    /**
     * The OCI {@code linux.resources} of an update to a running container ({@code runc update --resources}):
     * the CPU, memory, pids and hugepage limits of {@code resources} that the host's controllers can apply, without
     * the device rules, which an update leaves as they are.
     */
    public static ObjectNode updatedResources(LinuxContainerResources resources, HostFacts host) {
        ObjectNode res = LinuxSection.resources(resources, "", false, host, List.of(), Map.of(), Json.array());
        res.remove("devices");
        return res;
    }
}

package dev.berth.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.Device;
import dev.berth.cri.v1.HugepageLimit;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The {@code linux} section of a spec. */
final class LinuxSection {

    /** The IPC sysctls runc sets in a container's own IPC namespace; fs.mqueue.* are the others. */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
            "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
    /** Kubernetes' sysctl names, dot-separated. */
    private static final Pattern SYSCTL_NAME = Pattern.compile(
            "[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*");
    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private LinuxSection() {
    }

    static ArrayNode namespaces(NamespacePaths ns, boolean cgroupV2) {
        ArrayNode out = Json.array();
        // the pod's user namespace owns its network, IPC and UTS namespaces; runc joins it first whatever the order
        add(out, "user", ns.user());
        add(out, "pid", ns.pid());
        add(out, "ipc", ns.ipc());
        add(out, "uts", ns.uts());
        add(out, "mount", "");
        add(out, "network", ns.network());
        if (cgroupV2) {
            // on v1 a cgroup namespace would hide nothing useful and runc would need extra mounts for it
            add(out, "cgroup", "");
        }
        return out;
    }

    /**
     * The pod's user namespace: joined by path, with its mappings as well (runc 1.1 needs them to find the
     * container's root on the host, and 1.2 checks that they are the namespace's).
     */
    static void userNamespace(ObjectNode linux, NamespacePaths ns, Optional<UserNamespace> userns) {
        if (userns.isEmpty() != (ns.user() == null)) {
            throw new IllegalArgumentException("user namespace path " + ns.user() + " given for a pod "
                    + (userns.isEmpty() ? "without" : "with") + " a user namespace of its own");
        }
        userns.ifPresent(u -> {
            linux.set("uidMappings", UserNamespaces.mappings(u.getUidsList()));
            linux.set("gidMappings", UserNamespaces.mappings(u.getGidsList()));
        });
    }

    private static void add(ArrayNode out, String type, String path) {
        if (path == null) {
            return;
        }
        ObjectNode n = out.addObject();
        n.put("type", type);
        if (!path.isEmpty()) {
            n.put("path", path);
        }
    }

    /**
     * The {@code linux.resources} of a container. Limits of a controller the host lacks are left out, as containerd
     * and CRI-O do: runc would fail the whole create for them (kubelet sends hugepage limits whether or not the
     * hugetlb controller is there). Errors name the fields of {@code r} under {@code field}, e.g.
     * {@code linux.resources.}.
     */
    static ObjectNode resources(LinuxContainerResources r, String field, boolean privileged, HostFacts host,
                                List<Device> devices, Map<String, HostDevice> nodes, ArrayNode linuxDevices) {
        CgroupSupport cgroups = host.cgroups();
        ObjectNode res = Json.object();
        ArrayNode rules = res.putArray("devices");
        if (privileged) {
            rules.addObject().put("allow", true).put("access", "rwm");
        } else {
            // deny everything; runc appends its own allow-list of the safe standard devices
            rules.addObject().put("allow", false).put("access", "rwm");
        }
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            if (!d.getContainerPath().startsWith("/")) {
                throw BerthException.invalid("devices[" + i + "].container_path",
                        "must be an absolute path: \"" + d.getContainerPath() + "\"");
            }
            if (Mounts.clean(d.getContainerPath()).equals("/")) {
                throw BerthException.invalid("devices[" + i + "].container_path", "must not be /");
            }
            HostDevice h = nodes.get(d.getHostPath());
            if (h == null) {
                throw new IllegalArgumentException("no facts of device " + d.getHostPath() + " were looked up");
            }
            String access = d.getPermissions().isEmpty() ? "rwm" : d.getPermissions();
            ObjectNode dev = linuxDevices.addObject();
            dev.put("path", Mounts.clean(d.getContainerPath()));
            dev.put("type", h.type());
            dev.put("major", h.major());
            dev.put("minor", h.minor());
            dev.put("fileMode", h.mode());
            dev.put("uid", h.uid());
            dev.put("gid", h.gid());
            if (!privileged) {
                rules.addObject().put("allow", true).put("type", h.type())
                        .put("major", h.major()).put("minor", h.minor()).put("access", access);
            }
        }

        ObjectNode cpu = Json.object();
        if (cgroups.has("cpu")) {
            if (r.getCpuShares() != 0) {
                cpu.put("shares", r.getCpuShares());
            }
            if (r.getCpuQuota() != 0) {
                cpu.put("quota", r.getCpuQuota());
            }
            if (r.getCpuPeriod() != 0) {
                cpu.put("period", r.getCpuPeriod());
            }
        }
        if (cgroups.has("cpuset")) {
            checkCpuset(field + "cpuset_cpus", r.getCpusetCpus(), host.cpus(), "CPUs");
            checkCpuset(field + "cpuset_mems", r.getCpusetMems(), host.mems(), "memory nodes");
            if (!r.getCpusetCpus().isEmpty()) {
                cpu.put("cpus", r.getCpusetCpus());
            }
            if (!r.getCpusetMems().isEmpty()) {
                cpu.put("mems", r.getCpusetMems());
            }
        }
        if (!cpu.isEmpty()) {
            res.set("cpu", cpu);
        }

        ObjectNode memory = Json.object();
        if (cgroups.has("memory")) {
            if (r.getMemoryLimitInBytes() != 0) {
                memory.put("limit", r.getMemoryLimitInBytes());
            }
            if (r.getMemorySwapLimitInBytes() != 0 && cgroups.swap()) {
                memory.put("swap", r.getMemorySwapLimitInBytes());
            }
        }
        if (!memory.isEmpty()) {
            res.set("memory", memory);
        }

        if (r.getHugepageLimitsCount() > 0 && cgroups.has("hugetlb")) {
            ArrayNode huge = res.putArray("hugepageLimits");
            for (HugepageLimit h : r.getHugepageLimitsList()) {
                huge.addObject().put("pageSize", h.getPageSize()).put("limit", h.getLimit());
            }
        }
        // unified keys are cgroup2 file names; runc rejects them on a v1 host, so they only apply on v2
        if (cgroups.v2()) {
            ObjectNode unified = Json.object();
            new TreeMap<>(r.getUnifiedMap()).forEach((key, value) -> {
                if (cgroups.allowsUnifiedKey(key)) {
                    unified.put(key, value);
                }
            });
            if (!unified.isEmpty()) {
                res.set("unified", unified);
            }
        }
        return res;
    }

    /** A cpuset names only what the node has: the kernel refuses the rest, which runc reports as its failure. */
    private static void checkCpuset(String field, String wanted, String available, String what) {
        if (!wanted.isEmpty() && !available.isEmpty() && !CpuList.within(wanted, available)) {
            throw BerthException.invalid(field, "names " + what + " this node does not have (it has " + available
                    + "): \"" + BerthException.printable(wanted) + "\"");
        }
    }

    /**
     * The propagation of the container's root mount. Mounts made inside the container can reach the host only
     * if the root is shared as well, and host mounts reach the container only through a slave (or shared) root;
     * without propagating mounts runc's default applies. Null for the default.
     */
    static String rootfsPropagation(List<Mount> mounts) {
        boolean hostToContainer = false;
        for (Mount mount : mounts) {
            switch (mount.getPropagation()) {
                case PROPAGATION_BIDIRECTIONAL -> {
                    return "rshared";
                }
                case PROPAGATION_HOST_TO_CONTAINER -> hostToContainer = true;
                default -> {
                }
            }
        }
        return hostToContainer ? "rslave" : null;
    }

    static void maskedAndReadonly(ObjectNode linux, LinuxContainerSecurityContext sc) {
        if (sc.getPrivileged()) {
            return;
        }
        linux.set("maskedPaths", Json.strings(sc.getMaskedPathsCount() > 0 ? sc.getMaskedPathsList() : MASKED_PATHS));
        linux.set("readonlyPaths",
                Json.strings(sc.getReadonlyPathsCount() > 0 ? sc.getReadonlyPathsList() : READONLY_PATHS));
    }

    /**
     * The pod's sysctls. Only sysctls of the namespaces the pod has of its own may be set: anything else would
     * change the node (runc refuses those too, with a less helpful message, and only when a container is made).
     */
    static ObjectNode sysctls(PodSandboxConfig sandbox) {
        NamespaceMode net = sandbox.getLinux().getSecurityContext().getNamespaceOptions().getNetwork();
        NamespaceMode ipc = sandbox.getLinux().getSecurityContext().getNamespaceOptions().getIpc();
        ObjectNode out = Json.object();
        for (Map.Entry<String, String> e : new TreeMap<>(sandbox.getLinux().getSysctlsMap()).entrySet()) {
            String key = e.getKey();
            if (!SYSCTL_NAME.matcher(key).matches()) {
                throw BerthException.invalid("linux.sysctls", "has \"" + BerthException.printable(key)
                        + "\", which is not a sysctl name such as net.ipv4.ip_forward");
            }
            String field = "linux.sysctls[" + key + "]";
            boolean ipcKey = IPC_SYSCTLS.contains(key) || key.startsWith("fs.mqueue.");
            boolean netKey = key.startsWith("net.");
            // the UTS namespace goes with the network one (see NamespacePinner)
            boolean utsKey = key.equals("kernel.domainname");
            if (!ipcKey && !netKey && !utsKey) {
                throw BerthException.invalid(field, "is not a sysctl of the pod's own namespaces: it would change"
                        + " the node");
            }
            if (net == NamespaceMode.NODE && (netKey || utsKey)) {
                throw BerthException.invalid(field, "is not allowed with host network");
            }
            if (ipc == NamespaceMode.NODE && ipcKey) {
                throw BerthException.invalid(field, "is not allowed with host IPC");
            }
            if (e.getValue().chars().anyMatch(Character::isISOControl)) {
                throw BerthException.invalid(field, "must not contain control characters");
            }
            out.put(key, e.getValue());
        }
        return out;
    }
}

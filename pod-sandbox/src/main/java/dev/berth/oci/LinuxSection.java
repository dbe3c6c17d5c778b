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
import dev.berth.host.BerthException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The {@code linux} section of a spec. */
final class LinuxSection {
    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private LinuxSection() {
    }

    static ArrayNode namespaces(NamespacePaths ns, boolean cgroupV2) {
        ArrayNode out = Json.array();
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
     * hugetlb controller is there).
     */
    static ObjectNode resources(LinuxContainerResources r, boolean privileged, CgroupSupport cgroups,
                                List<Device> devices, Function<Path, HostDevice> stat, ArrayNode linuxDevices) {
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
            HostDevice h;
            try {
                h = stat.apply(Path.of(d.getHostPath()));
            } catch (BerthException.InvalidArgument e) {
                throw BerthException.invalid("devices[" + i + "].host_path", e.getMessage(), e);
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
     * The pod's sysctls. Namespaced sysctls of a namespace the pod shares with the host would change the host,
     * so they are refused here rather than by runc later with a less helpful message.
     */
    static ObjectNode sysctls(PodSandboxConfig sandbox) {
        NamespaceMode net = sandbox.getLinux().getSecurityContext().getNamespaceOptions().getNetwork();
        NamespaceMode ipc = sandbox.getLinux().getSecurityContext().getNamespaceOptions().getIpc();
        ObjectNode out = Json.object();
        for (Map.Entry<String, String> e : new TreeMap<>(sandbox.getLinux().getSysctlsMap()).entrySet()) {
            String key = e.getKey();
            if (net == NamespaceMode.NODE && key.startsWith("net.")) {
                throw BerthException.invalid("linux.sysctls[" + key + "]", "is not allowed with host network");
            }
            if (ipc == NamespaceMode.NODE && isIpcSysctl(key)) {
                throw BerthException.invalid("linux.sysctls[" + key + "]", "is not allowed with host IPC");
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    private static boolean isIpcSysctl(String key) {
        return key.startsWith("fs.mqueue.") || key.startsWith("kernel.shm") || key.startsWith("kernel.msg")
                || key.equals("kernel.sem");
    }
}

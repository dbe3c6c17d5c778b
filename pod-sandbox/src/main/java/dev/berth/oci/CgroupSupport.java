package dev.berth.oci;

import dev.berth.host.MountTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which cgroup controllers this host lets containers use, so a spec asks runc only for limits it can set.
 *
 * <p>kubelet sends hugepage limits for every page size the kernel knows, whether or not the hugetlb controller is
 * mounted, and runc fails the whole create when it cannot apply one. Like containerd and CRI-O, Berth leaves out
 * the limits of a controller the host lacks (and warns once at start) instead.
 *
 * <p>Immutable and thread-safe; {@code controllers} is never null.
 *
 * @param v2          whether {@code /sys/fs/cgroup} is the unified (cgroup2) hierarchy
 * @param controllers the usable controllers: on v1 those with a mounted hierarchy, on v2 those listed in the
 *                    root's {@code cgroup.controllers}
 * @param swap        whether the memory controller accounts swap, so a memory+swap limit can be set
 */
public record CgroupSupport(boolean v2, Set<String> controllers, boolean swap) {

    /** The controllers whose limits a CRI request can carry, with what a host without them loses. */
    private static final List<String[]> LIMITED = List.of(
            new String[] {"cpu", "CPU shares, quota and period"},
            new String[] {"cpuset", "cpuset CPUs and memory nodes"},
            new String[] {"memory", "memory limits"},
            new String[] {"hugetlb", "hugepage limits"},
            new String[] {"pids", "process-count limits"});

    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** v1 controller names as they appear among a cgroup mount's options. */
    private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices",
            "freezer", "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

    public CgroupSupport {
        controllers = controllers == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(controllers));
    }

    /** A v1 host with every controller Berth uses (for tests and callers that have not detected the host). */
    public static CgroupSupport fullV1() {
        return new CgroupSupport(false, Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
                "hugetlb", "pids"), true);
    }

    /** A v2 host with every controller Berth uses. */
    public static CgroupSupport fullV2() {
        return new CgroupSupport(true, Set.of("cpu", "cpuset", "io", "memory", "hugetlb", "pids", "rdma", "misc"),
                true);
    }

    public boolean has(String controller) {
        return controllers.contains(controller);
    }

    /**
     * Detects the host's cgroups from the mount table and, through {@code read}, the files named there.
     *
     * @param mountInfo the text of {@code /proc/self/mountinfo}
     * @param read      reads a file, empty when it does not exist
     */
    static CgroupSupport detect(String mountInfo, Function<Path, Optional<String>> read) {
        boolean v2 = false;
        Set<String> v1 = new TreeSet<>();
        Path memoryMount = null;
        for (MountTable.Mount mount : MountTable.parse(List.of(mountInfo.split("\n")))) {
            if (mount.mountPoint().equals(CGROUP_ROOT)) {
                // the last mount over the path is the visible one
                v2 = mount.fsType().equals("cgroup2");
            }
            if (mount.fsType().equals("cgroup")) {
                for (String option : mount.superOptions()) {
                    if (V1_CONTROLLERS.contains(option)) {
                        v1.add(option);
                        if (option.equals("memory")) {
                            memoryMount = mount.mountPoint();
                        }
                    }
                }
            }
        }
        if (v2) {
            Set<String> controllers = new TreeSet<>(List.of(read.apply(CGROUP_ROOT.resolve("cgroup.controllers"))
                    .orElse("").trim().split("\\s+")));
            controllers.remove("");
            // The v2 memory controller accounts swap unless the kernel was built without it, which no distribution
            // kernel is; the root cgroup has no memory.swap.max to look at.
            return new CgroupSupport(true, controllers, controllers.contains("memory"));
        }
        boolean swap = memoryMount != null
                && read.apply(memoryMount.resolve("memory.memsw.limit_in_bytes")).isPresent();
        return new CgroupSupport(false, v1, swap);
    }

    /** One line per kind of limit this host cannot apply, for a warning at start; empty when all can be. */
    public List<String> ignoredLimits() {
        List<String> out = new ArrayList<>();
        for (String[] limited : LIMITED) {
            if (!has(limited[0])) {
                out.add("cgroup controller " + limited[0] + " is not available on this host: " + limited[1]
                        + " in requests are ignored");
            }
        }
        if (has("memory") && !swap) {
            out.add("the memory controller does not account swap on this host: memory+swap limits in requests are"
                    + " ignored");
        }
        return out;
    }

    /** Whether a v2 {@code unified} key (a cgroup2 file name such as {@code memory.high}) can be written here. */
    boolean allowsUnifiedKey(String key) {
        int dot = key.indexOf('.');
        String controller = dot < 0 ? key : key.substring(0, dot);
        // cgroup.* files belong to the core, present in every cgroup
        return controller.equals("cgroup") || has(controller);
    }
}

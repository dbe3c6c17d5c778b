package dev.berth.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.MountPropagation;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The {@code mounts} section: the standard kernel filesystems, the sandbox's files, then the CRI mounts. */
final class Mounts {
    private static final List<String> NOSUID_NOEXEC_NODEV = List.of("nosuid", "noexec", "nodev");

    /**
     * One mount entry before it becomes JSON; with ID mappings it is an idmapped mount (OCI runtime spec 1.1), whose
     * options carry {@code idmap} as the spec asks of a mount with mappings.
     */
    record Entry(String destination, String type, String source, List<String> options, List<IDMapping> uidMappings,
                 List<IDMapping> gidMappings) {
        Entry {
            uidMappings = List.copyOf(uidMappings);
            gidMappings = List.copyOf(gidMappings);
        }

        Entry(String destination, String type, String source, List<String> options) {
            this(destination, type, source, options, List.of(), List.of());
        }

        ObjectNode toJson() {
            ObjectNode m = Json.object();
            m.put("destination", destination);
            m.put("type", type);
            m.put("source", source);
            boolean idmapped = !uidMappings.isEmpty() || !gidMappings.isEmpty();
            List<String> all = new ArrayList<>(options);
            if (idmapped) {
                all.add("idmap");
            }
            m.set("options", Json.strings(all));
            if (idmapped) {
                m.set("uidMappings", UserNamespaces.mappings(uidMappings));
                m.set("gidMappings", UserNamespaces.mappings(gidMappings));
            }
            return m;
        }
    }

    private Mounts() {
    }

    /** The filesystems every container (and the infra process) needs, before any bind mount. */
    static List<Entry> standard(boolean privileged, Path shm) {
        List<Entry> m = new ArrayList<>();
        m.add(new Entry("/proc", "proc", "proc", NOSUID_NOEXEC_NODEV));
        m.add(new Entry("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        m.add(new Entry("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        if (shm != null) {
            // the pod's shared tmpfs, so that containers of one pod share POSIX shared memory as they share IPC
            m.add(new Entry("/dev/shm", "bind", shm.toString(), List.of("rbind", "rprivate", "nosuid", "noexec", "nodev")));
        } else {
            m.add(new Entry("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        }
        m.add(new Entry("/dev/mqueue", "mqueue", "mqueue", NOSUID_NOEXEC_NODEV));
        m.add(new Entry("/sys", "sysfs", "sysfs", privileged
                ? List.of("nosuid", "noexec", "nodev")
                : List.of("nosuid", "noexec", "nodev", "ro")));
        m.add(new Entry("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
        return m;
    }

    /**
     * The mounts of a container. With {@code userns} (the pod's own user namespace) the sandbox's files are idmapped
     * with the pod's mappings, so that they belong to the container's root as on the host to root; the pod's shm
     * stays as it is (tmpfs has idmapped mounts only from Linux 6.3, and it is empty when the pod starts).
     */
    static ArrayNode container(List<Mount> criMounts, SandboxFiles files, boolean privileged, boolean readonlyRootfs,
                               HostFacts host, UserNamespace userns) {
        List<Entry> cri = criMounts(criMounts, host);
        List<String> criTargets = cri.stream().map(Entry::destination).toList();
        SandboxFiles f = files == null ? SandboxFiles.none() : files;

        List<Entry> all = new ArrayList<>();
        for (Entry e : standard(privileged, f.shm())) {
            if (!coveredBy(e.destination(), criTargets)) {
                all.add(e);
            }
        }
        // With a read-only rootfs these files are read-only too, as they are part of the container's root.
        String rw = readonlyRootfs ? "ro" : "rw";
        UserNamespace idmap = userns == null ? UserNamespace.getDefaultInstance() : userns;
        addFile(all, "/etc/hostname", f.hostname(), rw, criTargets, idmap);
        addFile(all, "/etc/resolv.conf", f.resolvConf(), rw, criTargets, idmap);
        addFile(all, "/etc/hosts", f.hosts(), rw, criTargets, idmap);
        all.addAll(cri);

        ArrayNode out = Json.array();
        all.forEach(e -> out.add(e.toJson()));
        return out;
    }

    private static void addFile(List<Entry> all, String target, Path source, String rw, List<String> criTargets,
                                UserNamespace idmap) {
        if (source != null && !criTargets.contains(target)) {
            all.add(new Entry(target, "bind", source.toString(), List.of("rbind", "rprivate", rw),
                    idmap.getUidsList(), idmap.getGidsList()));
        }
    }

    /** A default mount is dropped when a CRI mount has its target, or mounts a whole /dev over it. */
    private static boolean coveredBy(String destination, List<String> criTargets) {
        for (String t : criTargets) {
            if (t.equals(destination) || (t.equals("/dev") && destination.startsWith("/dev/"))) {
                return true;
            }
        }
        return false;
    }

    static List<Entry> criMounts(List<Mount> mounts, HostFacts host) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < mounts.size(); i++) {
            entries.add(criMount(mounts.get(i), i, host));
        }
        // Stable sort by depth: a parent must be mounted before anything mounted inside it,
        // or the parent would hide the child; equal depths keep the kubelet's order.
        entries.sort(Comparator.comparingInt(e -> depth(e.destination())));
        return entries;
    }

    private static Entry criMount(Mount m, int i, HostFacts host) {
        String target = m.getContainerPath();
        if (target.isEmpty() || !target.startsWith("/")) {
            throw BerthException.invalid("mounts[" + i + "].container_path",
                    "must be an absolute path: \"" + target + "\"");
        }
        if (clean(target).equals("/")) {
            // as Docker refuses it: the image's root filesystem is the container's root
            throw BerthException.invalid("mounts[" + i + "].container_path",
                    "must not be /: a mount cannot replace the container's root filesystem");
        }
        String source = m.getHostPath();
        if (source.isEmpty() || !source.startsWith("/")) {
            throw BerthException.invalid("mounts[" + i + "].host_path",
                    "must be an absolute path: \"" + source + "\"");
        }
        String propagation = switch (m.getPropagation()) {
            case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
            case PROPAGATION_BIDIRECTIONAL -> "rshared";
            default -> "rprivate";
        };
        List<String> options = new ArrayList<>(List.of("rbind", propagation, m.getReadonly() ? "ro" : "rw"));
        if (m.getRecursiveReadOnly()) {
            checkRecursiveReadOnly(m, i, host);
            // "ro" makes the mount itself read-only, "rro" (mount_setattr with AT_RECURSIVE) every submount too
            options.add("rro");
        }
        // a mount that comes with mappings is idmapped with them, as containerd does
        UserNamespaces.checkMountMappings(m, i, host);
        return new Entry(clean(target), "bind", clean(source), options, m.getUidMappingsList(),
                m.getGidMappingsList());
    }

    /** The CRI's rules for recursive_read_only, which kubelet sets only where a handler advertised it. */
    private static void checkRecursiveReadOnly(Mount m, int i, HostFacts host) {
        String field = "mounts[" + i + "].recursive_read_only";
        if (!m.getReadonly()) {
            throw BerthException.invalid(field, "is set without readonly: only a read-only mount can be read-only"
                    + " recursively");
        }
        if (m.getPropagation() != MountPropagation.PROPAGATION_PRIVATE) {
            // a mount arriving later through propagation would not be read-only
            throw BerthException.invalid(field, "needs PROPAGATION_PRIVATE, not " + m.getPropagation());
        }
        if (!host.oci().recursiveReadOnly()) {
            throw BerthException.invalid(field, "is not supported on this node: the OCI runtime or the kernel"
                    + " cannot make submounts read-only (runc's \"rro\" option and Linux 5.12 are needed)");
        }
    }

    static String clean(String absolute) {
        String p = Path.of(absolute).normalize().toString();
        return p.isEmpty() ? "/" : p;
    }

    private static int depth(String path) {
        return path.equals("/") ? 0 : Path.of(path).getNameCount();
    }
}

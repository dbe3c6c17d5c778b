package dev.berth.oci;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Linux capability names and the CRI add/drop rules. Stateless. */
final class Capabilities {

    /** Indexed by capability number, as in linux/capability.h. */
    private static final List<String> BY_NUMBER = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** The set containerd's CRI plugin grants an unprivileged container. */
    static final List<String> DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE");

    private Capabilities() {
    }

    static Set<String> fromMask(long mask) {
        Set<String> names = new TreeSet<>();
        for (int bit = 0; bit < BY_NUMBER.size(); bit++) {
            if ((mask & (1L << bit)) != 0) {
                names.add(BY_NUMBER.get(bit));
            }
        }
        return names;
    }

    /** Accepts {@code chown}, {@code CHOWN} or {@code CAP_CHOWN}; "ALL" stays "ALL". */
    static String normalize(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("ALL") || upper.startsWith("CAP_")) {
            return upper;
        }
        return "CAP_" + upper;
    }

    /**
     * The effective set: privileged gets the whole bounding set; otherwise the default set, then the CRI adds
     * ("ALL" = the bounding set), then the CRI drops ("ALL" = everything not explicitly added, the rule kubelet
     * and containerd follow), always limited to what the host can grant.
     */
    static List<String> effective(boolean privileged, Collection<String> add, Collection<String> drop,
                                  Set<String> bounding) {
        if (privileged) {
            return List.copyOf(new TreeSet<>(bounding));
        }
        List<String> adds = add.stream().map(Capabilities::normalize).toList();
        List<String> drops = drop.stream().map(Capabilities::normalize).toList();
        // "ALL" is applied first so that individual entries still refine it ("add ALL, drop CHOWN").
        Set<String> caps = new LinkedHashSet<>(DEFAULT);
        if (adds.contains("ALL")) {
            caps = new LinkedHashSet<>(new TreeSet<>(bounding));
        }
        if (drops.contains("ALL")) {
            caps.clear();
        }
        adds.stream().filter(a -> !a.equals("ALL")).forEach(caps::add);
        drops.forEach(caps::remove);
        List<String> result = new ArrayList<>();
        for (String c : caps) {
            if (bounding.contains(c)) {
                result.add(c);
            }
        }
        return List.copyOf(result);
    }
}

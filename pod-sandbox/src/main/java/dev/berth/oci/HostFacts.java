package dev.berth.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Facts about the host that constrain a spec: what the OCI runtime may grant and how cgroups are mounted.
 *
 * <p>Immutable and thread-safe; {@code boundingCapabilities} is never null and is kept sorted so specs built
 * from it are deterministic.
 *
 * @param boundingCapabilities the capability bounding set of Berth's own process, names like {@code CAP_CHOWN}
 * @param oomScoreAdj          Berth's own {@code oom_score_adj}; containers never get a lower one
 * @param cgroupV2             whether {@code /sys/fs/cgroup} is a cgroup2 (unified) mount
 * @param arch                 Java's {@code os.arch} ({@code amd64}, {@code aarch64}), which picks the seccomp
 *                             architectures and architecture-specific calls
 */
public record HostFacts(Set<String> boundingCapabilities, int oomScoreAdj, boolean cgroupV2, String arch) {

    public HostFacts {
        boundingCapabilities = boundingCapabilities == null
                ? Set.of()
                : Collections.unmodifiableSortedSet(new TreeSet<>(boundingCapabilities));
    }

    /**
     * Reads the facts of the current process and host from {@code /proc/self/status} (CapBnd),
     * {@code /proc/self/oom_score_adj} and {@code /proc/self/mountinfo}.
     *
     * @throws UncheckedIOException if those files cannot be read
     */
    public static HostFacts detect() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")),
                    Files.readString(Path.of("/proc/self/oom_score_adj")),
                    Files.readString(Path.of("/proc/self/mountinfo")), System.getProperty("os.arch"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read host facts from /proc", e);
        }
    }

    static HostFacts parse(String procStatus, String oomScoreAdj, String mountInfo, String arch) {
        Set<String> caps = Set.of();
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapBnd:")) {
                caps = Capabilities.fromMask(Long.parseUnsignedLong(line.substring(7).trim(), 16));
            }
        }
        return new HostFacts(caps, Integer.parseInt(oomScoreAdj.trim()), isCgroup2(mountInfo), arch);
    }

    /** Equivalent to {@code stat -f -c %T /sys/fs/cgroup} being {@code cgroup2fs}, without a statfs call. */
    private static boolean isCgroup2(String mountInfo) {
        boolean v2 = false;
        for (String line : mountInfo.split("\n")) {
            // mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source superopts
            String[] fields = line.split(" ");
            int sep = java.util.Arrays.asList(fields).indexOf("-");
            if (fields.length > 4 && sep > 0 && sep + 1 < fields.length && fields[4].equals("/sys/fs/cgroup")) {
                // the last mount over the path is the visible one
                v2 = fields[sep + 1].equals("cgroup2");
            }
        }
        return v2;
    }
}

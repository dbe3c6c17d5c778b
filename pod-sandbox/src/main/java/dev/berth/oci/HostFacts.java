package dev.berth.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Facts about the host that constrain a spec: what the OCI runtime may grant and how cgroups are mounted.
 *
 * <p>Immutable and thread-safe; {@code boundingCapabilities} is never null and is kept sorted so specs built
 * from it are deterministic.
 *
 * @param boundingCapabilities the capability bounding set of Berth's own process, names like {@code CAP_CHOWN}
 * @param oomScoreAdj          Berth's own {@code oom_score_adj}; containers never get a lower one
 * @param cgroups              the cgroup version and the controllers containers can use
 * @param arch                 Java's {@code os.arch} ({@code amd64}, {@code aarch64}), which picks the seccomp
 *                             architectures and architecture-specific calls
 * @param cpus                 the node's online CPUs in the kernel's list format ({@code 0-3}); empty when unknown
 * @param mems                 the node's online memory nodes in the same format; empty when unknown
 * @param oci                  what the OCI runtime supports beyond the baseline; never null
 */
public record HostFacts(Set<String> boundingCapabilities, int oomScoreAdj, CgroupSupport cgroups, String arch,
                        String cpus, String mems, OciFeatures oci) {

    public HostFacts {
        boundingCapabilities = boundingCapabilities == null
                ? Set.of()
                : Collections.unmodifiableSortedSet(new TreeSet<>(boundingCapabilities));
        Objects.requireNonNull(cgroups, "cgroups");
        cpus = cpus == null ? "" : cpus.strip();
        mems = mems == null ? "" : mems.strip();
        oci = oci == null ? OciFeatures.none() : oci;
    }

    /** A host whose OCI runtime has no features beyond the baseline. */
    public HostFacts(Set<String> boundingCapabilities, int oomScoreAdj, CgroupSupport cgroups, String arch,
                     String cpus, String mems) {
        this(boundingCapabilities, oomScoreAdj, cgroups, arch, cpus, mems, OciFeatures.none());
    }

    /** A host whose CPUs and memory nodes are not known: cpusets are passed on unchecked. */
    public HostFacts(Set<String> boundingCapabilities, int oomScoreAdj, CgroupSupport cgroups, String arch) {
        this(boundingCapabilities, oomScoreAdj, cgroups, arch, "", "");
    }

    /** The same facts with the OCI runtime's features {@code features}. */
    public HostFacts withOci(OciFeatures features) {
        return new HostFacts(boundingCapabilities, oomScoreAdj, cgroups, arch, cpus, mems, features);
    }

    /** Whether {@code /sys/fs/cgroup} is a cgroup2 (unified) mount. */
    public boolean cgroupV2() {
        return cgroups.v2();
    }

    /**
     * As {@link #detect()}, with the OCI runtime's features read from {@code runcFeatures}, the output of
     * {@code runc features} (empty when runc has no such command), on the running kernel.
     *
     * @throws UncheckedIOException if the files of {@link #detect()} cannot be read
     */
    public static HostFacts detect(Optional<String> runcFeatures) {
        String kernel = readIfExists(Path.of("/proc/sys/kernel/osrelease")).orElse(null);
        return detect().withOci(OciFeatures.parse(runcFeatures.orElse(null), kernel));
    }

    /**
     * Reads the facts of the current process and host from {@code /proc/self/status} (CapBnd),
     * {@code /proc/self/oom_score_adj}, {@code /proc/self/mountinfo} and the cgroup files it leads to, and the
     * online CPUs and memory nodes from {@code /sys/devices/system}; the OCI runtime's features are not looked at.
     *
     * @throws UncheckedIOException if those files cannot be read
     */
    public static HostFacts detect() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")),
                    Files.readString(Path.of("/proc/self/oom_score_adj")),
                    Files.readString(Path.of("/proc/self/mountinfo")), HostFacts::readIfExists,
                    System.getProperty("os.arch"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read host facts from /proc", e);
        }
    }

    static HostFacts parse(String procStatus, String oomScoreAdj, String mountInfo,
                           Function<Path, Optional<String>> read, String arch) {
        Set<String> caps = Set.of();
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapBnd:")) {
                caps = Capabilities.fromMask(Long.parseUnsignedLong(line.substring(7).trim(), 16));
            }
        }
        return new HostFacts(caps, Integer.parseInt(oomScoreAdj.trim()), CgroupSupport.detect(mountInfo, read),
                arch, read.apply(Path.of("/sys/devices/system/cpu/online")).orElse(""),
                // a kernel without NUMA has no node directory: memory node 0 is all there is
                read.apply(Path.of("/sys/devices/system/node/online")).orElse("0"));
    }

    private static Optional<String> readIfExists(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

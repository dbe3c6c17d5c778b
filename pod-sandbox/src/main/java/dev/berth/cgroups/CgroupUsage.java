package dev.berth.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads one cgroup's usage from the files of its directories, one per mounted hierarchy. Works for v1 (a
 * hierarchy per controller), v2 and hybrid hosts alike by looking for each controller's files rather than
 * asking which version the host runs: v1 files win when both are present, since on a hybrid host the v2
 * hierarchy usually has no controllers enabled. Stateless.
 */
final class CgroupUsage {

    // The kernel rounds "no limit" down to a page multiple just under 2^63; anything this high is no limit.
    private static final long UNLIMITED_FLOOR = 1L << 62;

    private CgroupUsage() {
    }

    /** The usage of the cgroup whose directories (in the hierarchies that hold it) are {@code dirs}. */
    static ResourceUsage read(List<Path> dirs, long timestampNanos) {
        long cpu = cpu(dirs);
        Memory memory = memory(dirs);
        long pids = number(dirs, "pids.current").orElse(ResourceUsage.UNAVAILABLE);
        return new ResourceUsage(timestampNanos, cpu, memory.usage, memory.workingSet, memory.rss, memory.faults,
                memory.majorFaults, memory.limit, memory.swap, pids);
    }

    private static long cpu(List<Path> dirs) {
        OptionalLong v1 = number(dirs, "cpuacct.usage");
        if (v1.isPresent()) {
            return v1.getAsLong();
        }
        Map<String, Long> stat = keyed(dirs, "cpu.stat");
        Long usec = stat.get("usage_usec");
        return usec == null ? ResourceUsage.UNAVAILABLE : usec * 1000;
    }

    private record Memory(long usage, long workingSet, long rss, long faults, long majorFaults, long limit,
                          long swap) {
        static final Memory NONE = new Memory(ResourceUsage.UNAVAILABLE, ResourceUsage.UNAVAILABLE,
                ResourceUsage.UNAVAILABLE, ResourceUsage.UNAVAILABLE, ResourceUsage.UNAVAILABLE, 0,
                ResourceUsage.UNAVAILABLE);
    }

    private static Memory memory(List<Path> dirs) {
        OptionalLong v1 = number(dirs, "memory.usage_in_bytes");
        if (v1.isPresent()) {
            long usage = v1.getAsLong();
            Map<String, Long> stat = keyed(dirs, "memory.stat");
            OptionalLong memsw = number(dirs, "memory.memsw.usage_in_bytes");
            // memsw counts memory plus swap; swap accounting may be off, leaving the file out.
            long swap = memsw.isPresent() ? Math.max(0, memsw.getAsLong() - usage) : ResourceUsage.UNAVAILABLE;
            return new Memory(usage, workingSet(usage, stat.getOrDefault("total_inactive_file", 0L)),
                    stat.getOrDefault("total_rss", ResourceUsage.UNAVAILABLE),
                    stat.getOrDefault("total_pgfault", ResourceUsage.UNAVAILABLE),
                    stat.getOrDefault("total_pgmajfault", ResourceUsage.UNAVAILABLE),
                    limit(number(dirs, "memory.limit_in_bytes")), swap);
        }
        OptionalLong v2 = number(dirs, "memory.current");
        if (v2.isPresent()) {
            long usage = v2.getAsLong();
            Map<String, Long> stat = keyed(dirs, "memory.stat");
            return new Memory(usage, workingSet(usage, stat.getOrDefault("inactive_file", 0L)),
                    stat.getOrDefault("anon", ResourceUsage.UNAVAILABLE),
                    stat.getOrDefault("pgfault", ResourceUsage.UNAVAILABLE),
                    stat.getOrDefault("pgmajfault", ResourceUsage.UNAVAILABLE),
                    limit(number(dirs, "memory.max")),
                    number(dirs, "memory.swap.current").orElse(ResourceUsage.UNAVAILABLE));
        }
        return Memory.NONE;
    }

    /** What kubelet evicts on: memory that cannot simply be dropped. */
    static long workingSet(long usage, long inactiveFile) {
        return Math.max(0, usage - inactiveFile);
    }

    private static long limit(OptionalLong value) {
        return value.isPresent() && value.getAsLong() < UNLIMITED_FLOOR ? value.getAsLong() : 0;
    }

    /** A one-number file of the first directory that has it; "max" (v2's no limit) reads as empty. */
    static OptionalLong number(List<Path> dirs, String file) {
        for (Path dir : dirs) {
            String text = read(dir.resolve(file));
            if (text == null) {
                continue;
            }
            try {
                return OptionalLong.of(Long.parseLong(text.strip()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** A flat-keyed file ("key value" lines) of the first directory that has it; empty when none has. */
    static Map<String, Long> keyed(List<Path> dirs, String file) {
        for (Path dir : dirs) {
            String text = read(dir.resolve(file));
            if (text != null) {
                return parseKeyed(text);
            }
        }
        return Map.of();
    }

    static Map<String, Long> parseKeyed(String text) {
        Map<String, Long> values = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            try {
                values.put(parts[0], Long.parseLong(parts[1]));
            } catch (NumberFormatException e) {
                // not a counter (v2's memory.stat has none, but kernels add fields freely)
            }
        }
        return values;
    }

    /** The file's text, or null when it is absent or unreadable (its cgroup may be going away). */
    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}

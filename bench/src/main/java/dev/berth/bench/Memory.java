package dev.berth.bench;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** Resident and proportional set size of a process or of a group of processes, in KiB. */
record Memory(long rssKiB, long pssKiB) {

    static final Memory NONE = new Memory(0, 0);

    /** What {@code /proc/<pid>/smaps_rollup} says of {@code pid}; {@link #NONE} when the process is gone. */
    static Memory of(long pid) throws IOException {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup")));
        } catch (NoSuchFileException | AccessDeniedException e) {
            return NONE;
        }
    }

    /** The sum over {@code pids}. */
    static Memory sum(Collection<Long> pids) throws IOException {
        Memory total = NONE;
        for (long pid : pids) {
            total = total.plus(of(pid));
        }
        return total;
    }

    /** Reads the {@code Rss:} and {@code Pss:} lines of an smaps_rollup text. */
    static Memory parse(String smapsRollup) {
        long rss = 0;
        long pss = 0;
        for (String line : smapsRollup.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals("Rss:")) {
                rss = Long.parseLong(fields[1]);
            } else if (fields.length >= 2 && fields[0].equals("Pss:")) {
                pss = Long.parseLong(fields[1]);
            }
        }
        return new Memory(rss, pss);
    }

    Memory plus(Memory other) {
        return new Memory(rssKiB + other.rssKiB, pssKiB + other.pssKiB);
    }

    /**
     * The PIDs of processes whose command name ({@code /proc/<pid>/comm}, which the kernel cuts to 15 characters)
     * starts with one of {@code prefixes}: the runtime's per-pod or per-container monitors (conmon,
     * containerd-shim-runc-v2).
     */
    static Set<Long> processesNamed(Collection<String> prefixes) throws IOException {
        Set<Long> pids = new HashSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String comm;
                try {
                    comm = Files.readString(entry.resolve("comm")).strip();
                } catch (IOException gone) {
                    continue;
                }
                if (prefixes.stream().anyMatch(prefix -> comm.startsWith(cut(prefix)))) {
                    pids.add(Long.parseLong(name));
                }
            }
        }
        return pids;
    }

    private static String cut(String name) {
        return name.length() > 15 ? name.substring(0, 15) : name;
    }
}

package dev.berth.cgroups;

import dev.berth.host.Clock;
import dev.berth.host.MountTable;
import dev.berth.host.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Cgroups} for the cgroupfs driver: plain directories in each mounted hierarchy, v1 (one per controller),
 * v2, or both side by side (hybrid). Thread-safe: it holds only the immutable list of hierarchy roots.
 */
public final class CgroupfsCgroups implements Cgroups {

    private static final long REMOVE_TIMEOUT_NANOS = 10_000_000_000L;

    private final List<Path> hierarchies;
    private final Clock clock;

    public CgroupfsCgroups(List<Path> hierarchies) {
        this(hierarchies, Clock.SYSTEM);
    }

    /** Cgroups in {@code hierarchies} whose usage samples are stamped by {@code clock} (Unix nanoseconds). */
    public CgroupfsCgroups(List<Path> hierarchies, Clock clock) {
        this.hierarchies = List.copyOf(hierarchies);
        this.clock = clock;
    }

    /** Every cgroup and cgroup2 mount of this host. */
    public static CgroupfsCgroups detect() {
        List<Path> roots = new ArrayList<>();
        for (MountTable.Mount m : MountTable.list()) {
            if ((m.fsType().equals("cgroup") || m.fsType().equals("cgroup2")) && !roots.contains(m.mountPoint())) {
                roots.add(m.mountPoint());
            }
        }
        return new CgroupfsCgroups(roots);
    }

    public List<Path> hierarchies() {
        return hierarchies;
    }

    static Path dir(Path hierarchy, String path) {
        String rel = CgroupPaths.normalize(path).substring(1);
        return rel.isEmpty() ? hierarchy : hierarchy.resolve(rel);
    }

    @Override
    public void create(String path) {
        for (Path h : hierarchies) {
            Path target = dir(h, path);
            List<Path> missing = new ArrayList<>();
            for (Path p = target; p != null && p.startsWith(h) && !p.equals(h) && !Files.isDirectory(p);
                    p = p.getParent()) {
                missing.add(0, p);
            }
            for (Path p : missing) {
                try {
                    Files.createDirectory(p);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    continue;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                inheritCpuset(p);
            }
        }
    }

    /** A new v1 cpuset cgroup starts with empty cpus and mems and refuses tasks until they are filled in. */
    static void inheritCpuset(Path dir) {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            Path own = dir.resolve(file);
            Path parent = dir.getParent().resolve(file);
            if (!Files.exists(own) || !Files.exists(parent) || Files.exists(dir.resolve("cgroup.subtree_control"))) {
                continue;
            }
            try {
                if (Files.readString(own, StandardCharsets.UTF_8).isBlank()) {
                    Files.writeString(own, Files.readString(parent, StandardCharsets.UTF_8).strip());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void remove(String path) {
        long deadline = System.nanoTime() + REMOVE_TIMEOUT_NANOS;
        for (Path h : hierarchies) {
            Path d = dir(h, path);
            if (d.equals(h)) {
                continue;
            }
            removeDir(d, deadline);
        }
    }

    private static void removeDir(Path d, long deadline) {
        Poller poller = new Poller();
        while (true) {
            try {
                Files.deleteIfExists(d);
                return;
            } catch (DirectoryNotEmptyException e) {
                // a cgroup dir "not empty" holds child cgroups: those belong to containers not yet deleted
                throw new UncheckedIOException("cgroup " + d + " still has child cgroups", e);
            } catch (FileSystemException e) {
                // EBUSY while the last tasks of the cgroup are still exiting
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot remove cgroup " + d, e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            poller.pause();
        }
    }

    @Override
    public java.util.Set<String> children(String path) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Path h : hierarchies) {
            Path d = dir(h, path);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var entries = Files.list(d)) {
                entries.filter(Files::isDirectory).forEach(e -> names.add(e.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list cgroup " + d, e);
            }
        }
        return names;
    }

    @Override
    public boolean exists(String path) {
        return hierarchies.stream().anyMatch(h -> !dir(h, path).equals(h) && Files.isDirectory(dir(h, path)));
    }

    @Override
    public Optional<ResourceUsage> usage(String path) {
        long now = clock.nowNanos();
        List<Path> dirs = hierarchies.stream().filter(h -> !dir(h, path).equals(h))
                .map(h -> dir(h, path)).filter(Files::isDirectory).toList();
        if (dirs.isEmpty()) {
            return Optional.empty();
        }
        ResourceUsage usage = CgroupUsage.read(dirs, now);
        // Removed while being read: its files vanished, which must not pass for a cgroup using nothing.
        return dirs.stream().anyMatch(Files::isDirectory) ? Optional.of(usage) : Optional.empty();
    }
}

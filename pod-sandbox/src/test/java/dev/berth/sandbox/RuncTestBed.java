package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.host.MountTable;
import dev.berth.runc.Procs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where an integration test runs {@link PodRuntime} as root with real runc and conmon: a temporary directory holding
 * a busybox root filesystem and the runtime's directories, and a default cgroup parent of its own. Tests assert
 * {@link #assertNothingLeaked()} once they have removed what they made; {@link #close()} then deletes the cgroup
 * parent and the directory. Not thread-safe.
 */
final class RuncTestBed implements AutoCloseable {

    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path CONMON = Path.of("/usr/bin/conmon");

    private final Path base;
    private final Path rootfs;
    private final String cgroupParent;
    private final RuntimeSettings settings;

    private RuncTestBed(Path base, Path rootfs, String cgroupParent, RuntimeSettings settings) {
        this.base = base;
        this.rootfs = rootfs;
        this.cgroupParent = cgroupParent;
        this.settings = settings;
    }

    /** A fresh test bed; aborts the calling test, through an assumption, unless it runs as root with runc and conmon. */
    static RuncTestBed create() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(CONMON) && Files.isExecutable(RUNC), "needs conmon and runc");
        Path base = Files.createTempDirectory("bit");
        Path rootfs = base.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/usr/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        String cgroupParent = "/berth-it-" + UUID.randomUUID().toString().substring(0, 8);
        RuntimeSettings settings = new RuntimeSettings(base.resolve("root"), base.resolve("state"), RUNC, CONMON,
                Path.of("/usr/bin/catatonit"), "cgroupfs", cgroupParent);
        return new RuncTestBed(base, rootfs, cgroupParent, settings);
    }

    Path base() {
        return base;
    }

    /** A root filesystem holding busybox, with {@code /bin/sh} linked to it. */
    Path rootfs() {
        return rootfs;
    }

    /** The default cgroup parent of the runtime's pods. */
    String cgroupParent() {
        return cgroupParent;
    }

    RuntimeSettings settings() {
        return settings;
    }

    /** A runtime on this bed's directories, recovered and so watching for container exits. */
    PodRuntime newRuntime() {
        PodRuntime runtime = new PodRuntime(settings);
        runtime.recover();
        return runtime;
    }

    /** Best effort after a failed test: removes every container and pod {@code runtime} still has. */
    static void removeEverything(SandboxRuntime runtime) {
        for (ContainerInfo c : runtime.containers()) {
            runtime.removeContainer(c.id());
        }
        for (SandboxInfo s : runtime.sandboxes()) {
            runtime.stopSandbox(s.id());
            runtime.releaseNamespaces(s.id());
            runtime.removeSandbox(s.id());
        }
    }

    /**
     * The live conmon processes monitoring containers of this bed: every conmon is given paths in the runtime's
     * state directory (bundle, exit directory, sockets) on its command line.
     */
    List<Long> conmons() {
        String marker = settings.stateDir() + "/";
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && "conmon".equals(comm(proc))
                        && Procs.alive(Long.parseLong(name), marker)) {
                    found.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // a process that exited while we looked
            return "";
        }
    }

    /**
     * Asserts that nothing the runtime made outlives what was removed: mounts under the bed, cgroups under its
     * parent, conmon processes, stored state, exit files and pinned namespaces.
     */
    void assertNothingLeaked() throws IOException {
        assertThat(MountTable.under(base)).as("mounts under the test dirs").isEmpty();
        for (Path h : cgroupRoots()) {
            Path parent = h.resolve(cgroupParent.substring(1));
            if (Files.isDirectory(parent)) {
                try (Stream<Path> s = Files.list(parent)) {
                    assertThat(s.filter(Files::isDirectory).toList()).as("cgroups under " + parent).isEmpty();
                }
            }
        }
        assertThat(conmons()).as("conmon processes of this test").isEmpty();
        for (String kind : List.of("sandboxes", "containers")) {
            assertEmptyIfPresent(settings.rootDir().resolve("state").resolve(kind), "state files of " + kind);
        }
        for (String kind : List.of("sandboxes", "containers", "exits", "ns/net", "ns/ipc", "ns/uts")) {
            assertEmptyIfPresent(settings.stateDir().resolve(kind), kind);
        }
    }

    private static void assertEmptyIfPresent(Path dir, String what) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                assertThat(s.filter(Files::isRegularFile).toList()).as(what).isEmpty();
            }
        }
    }

    /** Every mounted cgroup hierarchy, v1 and v2. */
    static List<Path> cgroupRoots() {
        List<Path> roots = new ArrayList<>();
        for (MountTable.Mount m : MountTable.list()) {
            if (m.fsType().startsWith("cgroup")) {
                roots.add(m.mountPoint());
            }
        }
        return roots;
    }

    /** Deletes the cgroup parent, and the directories unless something is still mounted under them. */
    @Override
    public void close() throws IOException {
        for (Path h : cgroupRoots()) {
            Files.deleteIfExists(h.resolve(cgroupParent.substring(1)));
        }
        if (MountTable.under(base).isEmpty()) {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

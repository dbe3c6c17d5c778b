package dev.berth.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kills a process together with everything it started. Stateless and thread-safe.
 *
 * <p>Killing only the top process would leave its children running, reparented to the init of their PID
 * namespace, where they no longer look like descendants. So the tree is frozen first: every process found is
 * stopped with SIGSTOP (a stopped process cannot fork), the table is read again until no new descendant shows
 * up, and only then is every one of them killed.
 */
public final class ProcessTree {

    /** Rounds of stop-and-rescan before giving up on a tree that keeps growing (a fork bomb outruns nothing). */
    private static final int MAX_ROUNDS = 50;

    private final Path proc;
    private final Signaller signaller;

    /** Sends signals; a seam so the freezing logic can be tested without real processes. */
    interface Signaller {
        /** Sends {@code signal} to {@code pid}; false when the process no longer exists. */
        boolean send(long pid, int signal);
    }

    ProcessTree(Path proc, Signaller signaller) {
        this.proc = proc;
        this.signaller = signaller;
    }

    /** Kills {@code pid} and all its descendants on this host; nothing happens for a process that is gone. */
    public static void kill(long pid) {
        new ProcessTree(Path.of("/proc"), ProcessTree::signal).killTree(pid);
    }

    /** Stops the tree under {@code root}, kills every process of it, and returns the pids it killed. */
    Set<Long> killTree(long root) {
        Set<Long> frozen = new LinkedHashSet<>();
        if (!signaller.send(root, LibC.SIGSTOP)) {
            return frozen;
        }
        frozen.add(root);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Long> found = new ArrayList<>();
            Map<Long, List<Long>> children = childrenByParent();
            for (long pid : frozen) {
                for (long child : children.getOrDefault(pid, List.of())) {
                    if (!frozen.contains(child)) {
                        found.add(child);
                    }
                }
            }
            if (found.isEmpty()) {
                break;
            }
            for (long pid : found) {
                if (signaller.send(pid, LibC.SIGSTOP)) {
                    frozen.add(pid);
                }
            }
        }
        for (long pid : frozen) {
            signaller.send(pid, LibC.SIGKILL);
        }
        return frozen;
    }

    /** The process table as parent to children, from each {@code /proc/<pid>/stat}. */
    Map<Long, List<Long>> childrenByParent() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, ProcessTree::isPid)) {
            for (Path dir : dirs) {
                long ppid = parentOf(dir);
                if (ppid > 0) {
                    children.computeIfAbsent(ppid, k -> new ArrayList<>())
                            .add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the process table in " + proc, e);
        }
        return children;
    }

    private static boolean isPid(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** The parent pid in a stat file, 0 when the process vanished; the name field may hold spaces and ')'. */
    private static long parentOf(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean signal(long pid, int signal) {
        if (LibC.get().kill((int) pid, signal) == 0) {
            return true;
        }
        int errno = LibC.errno();
        if (errno == LibC.ESRCH) {
            return false;
        }
        throw new IllegalStateException("kill(" + pid + ", " + signal + "): " + LibC.get().strerror(errno));
    }
}

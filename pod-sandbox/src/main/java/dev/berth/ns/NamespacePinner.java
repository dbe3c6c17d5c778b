package dev.berth.ns;

import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.CommandException;
import dev.berth.host.CommandRunner;
import dev.berth.host.MountTable;
import dev.berth.host.PrivateFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a sandbox's network, IPC and UTS namespaces, and its user namespace when it has one of its own, and pins
 * each with a bind mount at {@code <root>/{net,ipc,uts,user}/<sandboxId>}, the way {@code ip netns add} does.
 * Thread-safe.
 */
public final class NamespacePinner {

    private static final Logger log = LoggerFactory.getLogger(NamespacePinner.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;
    private final Path root;
    private boolean rootReady;

    public NamespacePinner(CommandRunner runner, Path root) {
        this.runner = runner;
        this.root = root.toAbsolutePath().normalize();
    }

    public Path file(String kind, String sandboxId) {
        return root.resolve(kind).resolve(sandboxId);
    }

    /**
     * Pins new namespaces of the requested kinds and sets the hostname in the new UTS namespace. With {@code userns}
     * the pod also gets a user namespace of its own with those mappings, pinned at {@code <root>/user/<sandboxId>},
     * which owns the new network, IPC and UTS namespaces: only then may the container's root configure its network
     * and mount sysfs, as containerd and CRI-O make them. On failure nothing stays pinned.
     *
     * @param userns the pod's user namespace options (mode POD, one uid and one gid mapping), or null for none
     */
    public PinnedNamespaces pin(String sandboxId, boolean net, boolean ipc, boolean uts, String hostname,
                                UserNamespace userns) {
        PinnedNamespaces pins = new PinnedNamespaces(net ? file("net", sandboxId) : null,
                ipc ? file("ipc", sandboxId) : null, uts ? file("uts", sandboxId) : null,
                userns != null ? file("user", sandboxId) : null);
        if (!net && !ipc && !uts && userns == null) {
            return pins;
        }
        ensureRoot();
        try {
            for (Path p : files(pins)) {
                PrivateFiles.createDirectories(p.getParent());
                if (!Files.exists(p)) {
                    Files.createFile(p);
                }
            }
            if (userns != null) {
                pinWithUserNamespace(pins, userns);
                if (uts) {
                    runner.run(List.of("nsenter", "--uts=" + pins.uts(), "hostname", hostname), TIMEOUT);
                }
                return pins;
            }
            List<String> argv = new ArrayList<>();
            argv.add("unshare");
            for (Path p : files(pins)) {
                argv.add("--" + p.getParent().getFileName() + "=" + p);
            }
            if (uts) {
                argv.addAll(List.of("hostname", hostname));
            } else {
                argv.add("true");
            }
            runner.run(argv, TIMEOUT);
            return pins;
        } catch (IOException | RuntimeException e) {
            unpin(pins);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Creates the user namespace and the others in one unshare, so that it owns them. util-linux's unshare can map
     * only one ID itself (a range needs newuidmap, which Berth does not depend on), so a process holds the new
     * namespaces while Berth, root of the parent namespace, writes their mappings and pins each from
     * {@code /proc/<pid>/ns}; then its input is closed and it exits.
     */
    private void pinWithUserNamespace(PinnedNamespaces pins, UserNamespace userns) throws IOException {
        List<String> argv = new ArrayList<>(List.of("unshare", "--user"));
        for (Path p : new Path[] {pins.net(), pins.ipc(), pins.uts()}) {
            if (p != null) {
                argv.add("--" + p.getParent().getFileName());
            }
        }
        argv.addAll(List.of("sh", "-c", "echo ready && exec cat"));
        Process holder = runner.start(argv, null);
        try {
            String ready = readLine(holder, argv);
            if (!"ready".equals(ready)) {
                throw new CommandException(argv, exitCode(holder), stderr(holder), "did not create the namespaces",
                        null);
            }
            Path proc = Path.of("/proc", Long.toString(holder.pid()));
            // a namespace's mappings are written once, by a process with CAP_SETUID/CAP_SETGID in its parent
            Files.writeString(proc.resolve("uid_map"), mapLines(userns.getUidsList()));
            Files.writeString(proc.resolve("gid_map"), mapLines(userns.getGidsList()));
            for (Path p : files(pins)) {
                runner.run(List.of("mount", "--bind", proc.resolve("ns").resolve(nsName(p)).toString(),
                        p.toString()), TIMEOUT);
            }
        } finally {
            stopHolder(holder);
        }
    }

    /** The {@code /proc/<pid>/ns} entry of a pin file, named after its directory. */
    private static String nsName(Path pin) {
        return pin.getParent().getFileName().toString();
    }

    /** Lines of {@code uid_map}/{@code gid_map}: container ID, host ID, length. */
    private static String mapLines(List<IDMapping> mappings) {
        StringBuilder out = new StringBuilder();
        for (IDMapping m : mappings) {
            out.append(Integer.toUnsignedString(m.getContainerId())).append(' ')
                    .append(Integer.toUnsignedString(m.getHostId())).append(' ')
                    .append(Integer.toUnsignedString(m.getLength())).append('\n');
        }
        return out.toString();
    }

    /** The first line the holder prints; it is killed (ending the read) if it prints none in time. */
    private static String readLine(Process holder, List<String> argv) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                line.complete(out.readLine());
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
        });
        try {
            return line.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CommandException(argv, -1, "", "did not create the namespaces within " + TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IOException("cannot read from " + argv.getFirst(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating namespaces", e);
        }
    }

    private static int exitCode(Process holder) {
        try {
            return holder.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) ? holder.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String stderr(Process holder) {
        try {
            return new String(holder.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Ends the holding process: it exits when its input closes; the pins keep the namespaces. */
    private static void stopHolder(Process holder) {
        try {
            holder.getOutputStream().close();
        } catch (IOException ignored) {
            // it is killed below if it does not exit
        }
        try {
            if (!holder.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                holder.destroyForcibly();
            }
        } catch (InterruptedException e) {
            holder.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static List<Path> files(PinnedNamespaces pins) {
        List<Path> out = new ArrayList<>();
        for (Path p : new Path[] {pins.user(), pins.net(), pins.ipc(), pins.uts()}) {
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Sets a sysctl in the pinned namespaces, as {@code sysctl -w} run inside them: a network sysctl in the network
     * namespace, an IPC one in the IPC namespace. The caller makes sure {@code key} names a sysctl of a namespace
     * that is pinned; anything else would be set for the node.
     *
     * @throws dev.berth.host.CommandException when the kernel refuses the value
     */
    public void setSysctl(PinnedNamespaces pins, String key, String value) {
        List<String> argv = new ArrayList<>();
        argv.add("nsenter");
        for (Path p : new Path[] {pins.net(), pins.ipc(), pins.uts()}) {
            if (p != null) {
                argv.add("--" + p.getParent().getFileName() + "=" + p);
            }
        }
        if (argv.size() == 1) {
            throw new IllegalStateException("no namespace of the pod is pinned: " + key + " would be set for the node");
        }
        argv.addAll(List.of("--", "sysctl", "-w", key + "=" + value));
        runner.run(argv, TIMEOUT);
    }

    /** Unpins every namespace file of the set that exists; idempotent. */
    public void unpin(PinnedNamespaces pins) {
        RuntimeException first = null;
        for (Path p : new Path[] {pins.net(), pins.ipc(), pins.uts(), pins.user()}) {
            if (p == null) {
                continue;
            }
            try {
                unmountAndDelete(p);
            } catch (RuntimeException e) {
                log.warn("cannot unpin {}: {}", p, e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Whether {@code file} still pins a namespace. */
    public static boolean isPinned(Path file) {
        return file != null && MountTable.isMountPoint(file);
    }

    /** Sandbox ids that have a namespace file (pinned or not) under the root. */
    public List<String> knownIds() {
        List<String> ids = new ArrayList<>();
        for (String kind : List.of("net", "ipc", "uts", "user")) {
            Path dir = root.resolve(kind);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(id -> !ids.contains(id)).forEach(ids::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ids;
    }

    /** Unpins whatever exists for {@code sandboxId}. */
    public void unpinAll(String sandboxId) {
        unpin(new PinnedNamespaces(file("net", sandboxId), file("ipc", sandboxId), file("uts", sandboxId),
                file("user", sandboxId)));
    }

    private void unmountAndDelete(Path p) {
        if (MountTable.isMountPoint(p)) {
            runner.run(List.of("umount", "--lazy", p.toString()), TIMEOUT);
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A namespace can only be bind-mounted onto a file in a mount that does not propagate, so the root is made a
     * private bind mount of itself, once.
     */
    private synchronized void ensureRoot() {
        if (rootReady) {
            return;
        }
        PrivateFiles.createDirectories(root);
        if (!MountTable.isMountPoint(root)) {
            runner.run(List.of("mount", "--bind", root.toString(), root.toString()), TIMEOUT);
        }
        runner.run(List.of("mount", "--make-private", root.toString()), TIMEOUT);
        rootReady = true;
    }

    /** Undoes the private bind mount of the root if it is there and nothing is pinned below it. */
    public synchronized void releaseRoot() {
        if (MountTable.isMountPoint(root) && MountTable.under(root).size() == 1) {
            runner.run(List.of("umount", root.toString()), TIMEOUT);
        }
        rootReady = false;
    }
}

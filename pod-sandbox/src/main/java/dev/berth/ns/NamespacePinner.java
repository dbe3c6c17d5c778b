package dev.berth.ns;

import dev.berth.host.CommandRunner;
import dev.berth.host.MountTable;
import dev.berth.host.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a sandbox's network, IPC and UTS namespaces and pins each with a bind mount at
 * {@code <root>/{net,ipc,uts}/<sandboxId>}, the way {@code ip netns add} does. Thread-safe.
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
     * Pins new namespaces of the requested kinds and sets the hostname in the new UTS namespace. On failure nothing
     * stays pinned.
     */
    public PinnedNamespaces pin(String sandboxId, boolean net, boolean ipc, boolean uts, String hostname) {
        PinnedNamespaces pins = new PinnedNamespaces(net ? file("net", sandboxId) : null,
                ipc ? file("ipc", sandboxId) : null, uts ? file("uts", sandboxId) : null);
        if (!net && !ipc && !uts) {
            return pins;
        }
        ensureRoot();
        List<String> argv = new ArrayList<>();
        argv.add("unshare");
        try {
            for (Path p : new Path[] {pins.net(), pins.ipc(), pins.uts()}) {
                if (p != null) {
                    PrivateFiles.createDirectories(p.getParent());
                    if (!Files.exists(p)) {
                        Files.createFile(p);
                    }
                    argv.add("--" + p.getParent().getFileName() + "=" + p);
                }
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
        for (Path p : new Path[] {pins.net(), pins.ipc(), pins.uts()}) {
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
        for (String kind : List.of("net", "ipc", "uts")) {
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
        unpin(new PinnedNamespaces(file("net", sandboxId), file("ipc", sandboxId), file("uts", sandboxId)));
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

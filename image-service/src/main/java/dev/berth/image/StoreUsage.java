package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the image store's files take on disk, for ImageFsInfo and the container stats: the whole store, and one
 * container's writable layer. Unpacked layers never change, so each is walked once and its totals kept.
 * Thread-safe.
 */
final class StoreUsage {

    private final Path root;
    private final Path containers;
    private final Map<Path, long[]> layerUsage = new ConcurrentHashMap<>();

    StoreUsage(Path root, Path containers) {
        this.root = root;
        this.containers = containers;
    }

    /** Bytes and inodes used under the store's root (blobs, layers, container upper dirs). */
    FsUsage total() {
        Path layerRoot = root.resolve("layers");
        Set<Path> layerDirs = new HashSet<>();
        try {
            long[] totals = TreeUsage.of(root, dir -> {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                // Each container's merged dir is an overlay of the layers already counted.
                if (name.equals("merged") && dir.getParent() != null
                        && containers.equals(dir.getParent().getParent())) {
                    return true;
                }
                // An unpacked layer never changes: it is walked once and its totals kept (below).
                if (layerRoot.equals(dir.getParent()) && !name.startsWith(".")) {
                    layerDirs.add(dir);
                    return true;
                }
                return false;
            });
            for (Path dir : layerDirs) {
                long[] layer = layerUsage.get(dir);
                if (layer == null) {
                    layer = TreeUsage.of(dir);
                    layerUsage.put(dir, layer);
                }
                totals[0] += layer[0];
                totals[1] += layer[1] - 1; // the walk above counted the layer's top directory already
            }
            layerUsage.keySet().retainAll(layerDirs);
            return new FsUsage(root, totals[0], totals[1], Clock.SYSTEM.nowNanos());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes and inodes in the container's upper dir, reported on the store's root as containerd reports its
     * snapshotter's; empty when the container has no rootfs here.
     */
    Optional<FsUsage> container(String containerId) {
        Rootfs.checkId(containerId);
        Path upper = containers.resolve(containerId).resolve("upper");
        long now = Clock.SYSTEM.nowNanos();
        try {
            if (!Files.isDirectory(upper)) {
                return Optional.empty();
            }
            long[] totals = TreeUsage.of(upper);
            return Optional.of(new FsUsage(root, totals[0], totals[1], now));
        } catch (IOException e) {
            throw BerthException.failed("measuring the writable layer of " + containerId
                    + ": " + e.getMessage(), e);
        }
    }
}

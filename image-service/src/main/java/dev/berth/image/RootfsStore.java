package dev.berth.image;

import dev.berth.host.AtomicFiles;
import dev.berth.host.BerthException;
import dev.berth.host.Json;
import dev.berth.host.KeyedLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers' root filesystems under {@code <root>/containers/<id>}: an overlay of the image's unpacked layers
 * with the container's own upper and work dirs, recorded before it is mounted so that a crash leaves a record to
 * clean up by. Thread-safe: one container's rootfs is changed under its keyed lock; the records are guarded by
 * the image catalog's lock, so an image cannot be removed between being chosen for a rootfs and the rootfs
 * being recorded.
 */
final class RootfsStore {

    private static final Logger LOG = LoggerFactory.getLogger(RootfsStore.class);

    private final Path containers;
    private final LayerStore layers;
    private final KeyedLocks locks;
    private final Object catalogLock;
    private final Map<String, RootfsRecord> records = new HashMap<>(); // by container id, under catalogLock

    RootfsStore(Path containers, LayerStore layers, KeyedLocks locks, Object catalogLock) {
        this.containers = containers;
        this.layers = layers;
        this.locks = locks;
        this.catalogLock = catalogLock;
    }

    /** Reads the records of an earlier run; unreadable ones are logged and left. */
    void load() throws IOException {
        try (Stream<Path> dirs = Files.list(containers)) {
            for (Path dir : dirs.toList()) {
                Path file = Rootfs.record(dir);
                if (Files.isRegularFile(file)) {
                    try {
                        RootfsRecord record = Json.MAPPER.readValue(file.toFile(), RootfsRecord.class);
                        synchronized (catalogLock) {
                            records.put(record.containerId(), record);
                        }
                    } catch (IOException e) {
                        LOG.warn("unreadable rootfs record {}: {}", file, e.getMessage());
                    }
                }
            }
        }
    }

    /** The chain ids of every recorded rootfs; the caller holds the catalog's lock. */
    Set<String> chainIdsInUse() {
        Set<String> chains = new HashSet<>();
        for (RootfsRecord r : records.values()) {
            chains.addAll(r.chainIds());
        }
        return chains;
    }

    /** A container whose rootfs is made of the image {@code imageId}; the caller holds the catalog's lock. */
    Optional<String> userOf(String imageId) {
        return records.values().stream().filter(r -> r.imageId().equals(imageId)).map(RootfsRecord::containerId)
                .findFirst();
    }

    /**
     * Mounts the rootfs of {@code containerId}, recording it first from the image {@code image} gives (called
     * under the catalog's lock); returns the merged directory. Idempotent.
     */
    Path mount(String containerId, Supplier<ImageRecord> image) {
        Rootfs.checkId(containerId);
        Path dir = containers.resolve(containerId);
        try (KeyedLocks.Held held = locks.lock("container " + containerId)) {
            RootfsRecord record;
            boolean created = false;
            synchronized (catalogLock) {
                record = records.get(containerId);
                if (record == null) {
                    ImageRecord chosen = image.get();
                    record = new RootfsRecord(1, containerId, chosen.id(), chosen.chainIds());
                    try {
                        AtomicFiles.writeJson(Rootfs.record(dir), record);
                    } catch (IOException | RuntimeException e) {
                        // the directory the record was to go into must not outlive it (a full disk, say)
                        drop(containerId, dir);
                        throw BerthException.failed("creating rootfs of " + containerId + ": " + e.getMessage(), e);
                    }
                    records.put(containerId, record);
                    created = true;
                }
            }
            try {
                List<Path> diffs = new ArrayList<>();
                for (String chain : record.chainIds()) {
                    Path diff = layers.diff(chain);
                    if (!Files.isDirectory(diff)) {
                        throw BerthException.failed("layer " + chain + " of image " + record.imageId()
                                + " is missing");
                    }
                    diffs.add(diff);
                }
                return Rootfs.mount(dir, diffs);
            } catch (IOException | RuntimeException e) {
                if (created) {
                    drop(containerId, dir);
                }
                if (e instanceof BerthException be) {
                    throw be;
                }
                throw BerthException.failed("mounting rootfs of " + containerId + ": " + e.getMessage(), e);
            }
        }
    }

    private void drop(String containerId, Path dir) {
        try {
            Rootfs.remove(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cleaning up rootfs of {} failed: {}", containerId, e.getMessage());
            return;
        }
        synchronized (catalogLock) {
            records.remove(containerId);
        }
    }

    /** Unmounts the container's rootfs (lazily if busy) and deletes its directories. Idempotent. */
    void unmount(String containerId) {
        Rootfs.checkId(containerId);
        Path dir = containers.resolve(containerId);
        try (KeyedLocks.Held held = locks.lock("container " + containerId)) {
            Rootfs.remove(dir);
            synchronized (catalogLock) {
                records.remove(containerId);
            }
        } catch (IOException e) {
            throw BerthException.failed("unmounting rootfs of " + containerId + ": " + e.getMessage(), e);
        }
    }

    /** Ids of containers that have a rootfs directory (mounted or not), for start-up reconciliation. */
    Set<String> containerIds() {
        Set<String> result = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(containers)) {
            dirs.filter(Files::isDirectory).forEach(d -> result.add(d.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }
}

package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.AtomicFiles;
import dev.berth.host.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Unpacked layers under {@code <root>/layers/<chain-id hex>/diff}, each unpacked once into a temp
 * directory and renamed in place when complete: a layer directory that exists is whole. Thread-safe
 * with the caller's per-chain-id lock.
 */
final class LayerStore {
    private static final String TEMP_PREFIX = ".tmp-";
    private final Path layers;
    private final LayerUnpacker unpacker;

    LayerStore(Path root, LayerUnpacker unpacker) throws IOException {
        this.layers = root.resolve("layers");
        this.unpacker = unpacker;
        Files.createDirectories(layers);
        try (Stream<Path> entries = Files.list(layers)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                FileTrees.deleteRecursively(p); // unpacks interrupted by a crash
            }
        }
    }

    Path dir(String chainId) {
        return layers.resolve(Digests.hex(chainId));
    }

    Path diff(String chainId) {
        return dir(chainId).resolve("diff");
    }

    boolean has(String chainId) {
        return Files.isDirectory(diff(chainId));
    }

    /** Unpacks the layer blob {@code blob} as {@code chainId}, unless present; checks its diff id. */
    void ensure(String chainId, String diffId, Path blob) throws IOException {
        if (has(chainId)) {
            return;
        }
        Path temp = layers.resolve(TEMP_PREFIX + Digests.hex(chainId) + "-" + UUID.randomUUID());
        try {
            LayerUnpacker.Result result;
            try (InputStream in = Files.newInputStream(blob)) {
                result = unpacker.unpack(in, temp.resolve("diff"));
            }
            if (!result.diffId().equals(diffId)) {
                throw BerthException.failed("layer diff id mismatch: config says " + diffId
                        + ", content is " + result.diffId());
            }
            AtomicFiles.writeJson(temp.resolve("layer.json"), new LayerRecord(chainId, diffId));
            Files.move(temp, dir(chainId), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDir(layers);
        } finally {
            FileTrees.deleteRecursively(temp);
        }
    }

    void delete(String chainId) throws IOException {
        Path dir = dir(chainId);
        if (!Files.exists(dir)) {
            return;
        }
        // Rename first so a crash never leaves a half-deleted directory that looks complete.
        Path doomed = layers.resolve(TEMP_PREFIX + "rm-" + UUID.randomUUID());
        Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        FileTrees.deleteRecursively(doomed);
    }

    Set<String> all() throws IOException {
        Set<String> result = new HashSet<>();
        try (Stream<Path> entries = Files.list(layers)) {
            entries.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(TEMP_PREFIX))
                    .forEach(n -> result.add("sha256:" + n));
        }
        return result;
    }

    /** What {@code layer.json} holds. */
    record LayerRecord(String chainId, String diffId) {
    }
}

package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.AtomicFiles;
import dev.berth.host.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Content-addressed blobs under {@code <root>/blobs/sha256/<hex>}. A blob is written to a temp file
 * under {@code <root>/ingest}, checked against its digest and size, then renamed in place: a blob
 * file that exists is complete and verified. Thread-safe with the caller's per-digest lock.
 */
final class BlobStore {
    private final Path blobs;
    private final Path ingest;

    BlobStore(Path root) throws IOException {
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs);
        Files.createDirectories(ingest);
        FileTrees.deleteRecursively(ingest); // half-written downloads of an earlier run
        Files.createDirectories(ingest);
    }

    Path path(String digest) {
        return blobs.resolve(Digests.hex(digest));
    }

    boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /**
     * Copies {@code content} into the store if it has exactly {@code size} bytes (when {@code size >= 0})
     * hashing to {@code digest}; throws {@link BerthException.Failed} otherwise, and
     * {@link BerthException.Unavailable} when {@code content} cannot be read. An {@link IOException} is the
     * store's own failure. Nothing of a failed copy is left.
     */
    Path ingest(String digest, long size, InputStream content) throws IOException {
        Path target = path(digest);
        Path temp = ingest.resolve(Digests.hex(digest) + "." + UUID.randomUUID());
        try {
            MessageDigest md = Digests.sha256();
            long written = 0;
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
                for (int n; (n = read(content, buffer)) > 0; ) {
                    written += n;
                    if (size >= 0 && written > size) {
                        throw BerthException.failed("blob " + digest + " is longer than the " + size + " bytes announced");
                    }
                    md.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (size >= 0 && written != size) {
                throw BerthException.failed("blob " + digest + " has " + written + " bytes, expected " + size);
            }
            String actual = Digests.format(md);
            if (!actual.equals(digest)) {
                throw BerthException.failed("blob digest mismatch: expected " + digest + ", got " + actual);
            }
            try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            AtomicFiles.moveAtomically(temp, target);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Reads from the source, whose failures (a dropped connection) are not the disk's. */
    private static int read(InputStream content, byte[] buffer) {
        try {
            return content.read(buffer);
        } catch (IOException e) {
            throw BerthException.unavailable(e.getMessage(), e);
        }
    }

    byte[] read(String digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    void delete(String digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    Set<String> all() throws IOException {
        Set<String> result = new HashSet<>();
        try (Stream<Path> files = Files.list(blobs)) {
            files.forEach(p -> result.add("sha256:" + p.getFileName()));
        }
        return result;
    }
}

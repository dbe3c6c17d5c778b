package dev.berth.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces small files atomically, even across a crash: readers see the old content or the new, never a torn
 * write. A temp file beside the target is written and fsynced, renamed over the target, and the directory is
 * fsynced; the temp file is removed on every failure. Files are created with mode 0600 and missing directories
 * with 0700 ({@link PrivateFiles}). Stateless and thread-safe; concurrent writers of one target need the
 * caller's lock, as the last rename wins.
 */
public final class AtomicFiles {

    private static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        PrivateFiles.createDirectories(dir);
        // createTempFile makes a new name (no stale temp is reused) with mode 0600
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveAtomically(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        fsyncDir(dir);
    }

    public static void write(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code value} as indented JSON with the shared {@link Json#MAPPER}. */
    public static void writeJson(Path target, Object value) throws IOException {
        write(target, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    }

    /** Renames {@code from} over {@code to} in one step, or fails; never copies. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    /** Makes the entries of {@code dir} durable; a filesystem that refuses fsync on a directory is left alone. */
    public static void fsyncDir(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // the rename is atomic all the same
        }
    }

    /** Whether {@code file} is a temp file of an interrupted write, which may be deleted at start. */
    public static boolean isTemp(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
    }
}

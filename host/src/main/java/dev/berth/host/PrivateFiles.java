package dev.berth.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only root may read: Berth's state holds container filesystems, specs with the
 * environment kubelet passes (secrets among it) and network results. Created with their final mode from the
 * start, so there is no moment in which another user could open them. Stateless and thread-safe.
 */
public final class PrivateFiles {

    /** rwx------: what Berth's directories get. */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** rw-------: what files holding container configuration get. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(DIRECTORY);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(FILE);

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} and its missing parents, each new one with mode 0700; directories that exist keep
     * their mode.
     *
     * @throws UncheckedIOException when a directory cannot be created
     */
    public static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir, DIRECTORY_ATTRIBUTE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Writes {@code content} to {@code file} with mode 0600, replacing what it held; a file that existed with a
     * wider mode is narrowed first.
     */
    public static void write(Path file, byte[] content) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(file, FILE);
        }
        try (SeekableByteChannel out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                FILE_ATTRIBUTE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /**
     * Creates {@code dir} as {@link #createDirectories} does and sets its mode to {@code mode} even when it
     * existed: an install from before Berth kept its state private is tightened at start.
     */
    public static Path ensureDirectory(Path dir, Set<PosixFilePermission> mode) {
        createDirectories(dir);
        try {
            if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
                Files.setPosixFilePermissions(dir, mode);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the mode of " + dir, e);
        }
    }
}

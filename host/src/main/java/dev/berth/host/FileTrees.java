package dev.berth.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/** Recursive deletion for Berth's own directory trees. Stateless and thread-safe. */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes {@code path} and everything below it. Symbolic links are deleted, never followed, and entries that
     * vanish meanwhile are no error. Nothing is deleted when something is mounted at or below {@code path}: a
     * container's rootfs or a pinned namespace would otherwise be emptied through its mount.
     *
     * @throws UncheckedIOException when something is mounted there or an entry cannot be deleted
     */
    public static void deleteRecursively(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> mounts = MountTable.under(path);
        if (!mounts.isEmpty()) {
            throw new UncheckedIOException(new IOException("refusing to delete " + path + ": " + mounts.get(0)
                    + " is mounted below it"));
        }
        try {
            walk(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    private static void walk(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

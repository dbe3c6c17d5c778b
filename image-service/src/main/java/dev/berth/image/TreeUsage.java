package dev.berth.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;

/**
 * Bytes and inodes of one directory tree, as the CRI reports a writable layer: file sizes summed (hard links
 * once per link, as {@code du --apparent-size -l} would) and every entry, the top directory included, counted
 * as an inode. Symbolic links are not followed. Stateless.
 */
final class TreeUsage {

    private TreeUsage() {
    }

    /** {@code [bytes, inodes]} of {@code dir}; zeros when it does not exist. */
    static long[] of(Path dir) throws IOException {
        return of(dir, d -> false);
    }

    /**
     * {@code [bytes, inodes]} of {@code dir}, leaving out the contents of the directories {@code skip} accepts
     * (they count as one inode each); zeros when it does not exist.
     */
    static long[] of(Path dir, Predicate<Path> skip) throws IOException {
        long[] totals = new long[2];
        if (!Files.isDirectory(dir)) {
            return totals;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                totals[1]++;
                return skip.test(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                totals[1]++;
                if (attrs.isRegularFile()) {
                    totals[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                // The container keeps writing while we count: what vanished in between is simply not counted.
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return totals;
    }
}

package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.FileTrees;
import dev.berth.host.LibC;
import dev.berth.host.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A container's overlay root filesystem under {@code <root>/containers/<id>/}: {@code upper},
 * {@code work}, {@code merged} and {@code rootfs.json}. Stateless helpers; callers lock per container.
 */
final class Rootfs {
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    // The kernel takes mount options from one page.
    private static final int MAX_MOUNT_DATA = 4095;

    private Rootfs() {
    }

    static void checkId(String containerId) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new IllegalArgumentException("invalid container id: " + containerId);
        }
    }

    static Path record(Path dir) {
        return dir.resolve("rootfs.json");
    }

    static Path merged(Path dir) {
        return dir.resolve("merged");
    }

    /** Mounts the overlay unless {@code merged} is already a mount point; layers are bottom first. */
    static Path mount(Path dir, List<Path> layerDiffs) throws IOException {
        Path merged = merged(dir);
        Path upper = dir.resolve("upper");
        Path work = dir.resolve("work");
        Files.createDirectories(upper);
        Files.createDirectories(work);
        Files.createDirectories(merged);
        if (MountTable.isMountPoint(merged)) {
            return merged;
        }
        List<String> lower = new ArrayList<>();
        for (int i = layerDiffs.size() - 1; i >= 0; i--) {
            lower.add(layerDiffs.get(i).toString());
        }
        String data = "lowerdir=" + String.join(":", lower) + ",upperdir=" + upper + ",workdir=" + work;
        if (data.length() > MAX_MOUNT_DATA) {
            throw BerthException.failed("image has too many layers for one overlay mount ("
                    + layerDiffs.size() + ")");
        }
        Posix.mount("overlay", merged, "overlay", 0, data);
        return merged;
    }

    /** Unmounts everything at or below {@code dir} (lazily if busy), then deletes {@code dir}. */
    static void remove(Path dir) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<Path> mounts = MountTable.under(dir);
            if (mounts.isEmpty()) {
                break;
            }
            // Deepest first, so nested mounts do not keep their parents busy.
            for (Path m : mounts.stream().sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                int errno = Posix.umount2(m, 0);
                if (errno == LibC.EBUSY) {
                    errno = Posix.umount2(m, LibC.MNT_DETACH);
                }
                if (errno != 0 && errno != LibC.EINVAL && errno != LibC.ENOENT) {
                    throw Posix.failure("umount2", m, errno);
                }
            }
        }
        List<Path> left = MountTable.under(dir);
        if (!left.isEmpty()) {
            // Deleting now would delete through the mount into the image's layers.
            throw BerthException.failed("still mounted under " + dir + ": " + left);
        }
        FileTrees.deleteRecursively(dir);
    }
}

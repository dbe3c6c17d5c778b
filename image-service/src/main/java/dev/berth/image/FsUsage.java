package dev.berth.image;

import java.nio.file.Path;

/** Space and inodes the image store uses under its root, as CRI ImageFsInfo reports. Immutable. */
public record FsUsage(Path mountpoint, long usedBytes, long inodesUsed, long timestampNanos) {
}

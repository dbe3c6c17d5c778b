package dev.berth.image;

import java.util.List;

/**
 * What is stored in {@code <root>/containers/<id>/rootfs.json}: which image (and so which layers)
 * a container's rootfs uses. Written before mounting, so the layers stay pinned across restarts.
 *
 * @param chainIds the image's layer chain ids, bottom first
 */
record RootfsRecord(int version, String containerId, String imageId, List<String> chainIds) {
    RootfsRecord {
        chainIds = chainIds == null ? List.of() : List.copyOf(chainIds);
    }
}

package dev.berth.server.image;

import dev.berth.cri.v1.UInt64Value;
import dev.berth.cri.v1.FilesystemIdentifier;
import dev.berth.cri.v1.FilesystemUsage;
import dev.berth.cri.v1.ImageFsInfoRequest;
import dev.berth.cri.v1.ImageFsInfoResponse;
import dev.berth.image.FsUsage;
import dev.berth.server.Services;

/** ImageFsInfo: space and inodes used by the image store; kubelet's image garbage collection reads it. */
public final class ImageFsInfo {

    private final Services services;

    public ImageFsInfo(Services services) {
        this.services = services;
    }

    public ImageFsInfoResponse handle(ImageFsInfoRequest request) {
        FsUsage usage = services.images().usage();
        FilesystemUsage filesystem = FilesystemUsage.newBuilder()
                .setTimestamp(usage.timestampNanos())
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(usage.mountpoint().toString()))
                .setUsedBytes(UInt64Value.newBuilder().setValue(usage.usedBytes()))
                .setInodesUsed(UInt64Value.newBuilder().setValue(usage.inodesUsed()))
                .build();
        return ImageFsInfoResponse.newBuilder().addImageFilesystems(filesystem).build();
    }
}

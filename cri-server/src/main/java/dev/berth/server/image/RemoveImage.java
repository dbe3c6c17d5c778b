package dev.berth.server.image;

import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemoveImageResponse;
import dev.berth.host.BerthException;
import dev.berth.server.Services;

/** RemoveImage: untags or deletes an image. Removing an image that is not there succeeds, as the CRI requires. */
public final class RemoveImage {

    private final Services services;

    public RemoveImage(Services services) {
        this.services = services;
    }

    public RemoveImageResponse handle(RemoveImageRequest request) {
        String reference = request.getImage().getImage();
        if (reference.isEmpty()) {
            throw BerthException.invalid("image.image", "is required");
        }
        services.images().remove(reference);
        return RemoveImageResponse.getDefaultInstance();
    }
}

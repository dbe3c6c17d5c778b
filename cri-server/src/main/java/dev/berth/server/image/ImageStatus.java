package dev.berth.server.image;

import dev.berth.cri.v1.ImageStatusRequest;
import dev.berth.cri.v1.ImageStatusResponse;
import dev.berth.host.BerthException;
import dev.berth.server.Services;

/** ImageStatus: the image a reference or id names; an absent image is an empty response, not an error. */
public final class ImageStatus {

    private final Services services;

    public ImageStatus(Services services) {
        this.services = services;
    }

    public ImageStatusResponse handle(ImageStatusRequest request) {
        String reference = request.getImage().getImage();
        if (reference.isEmpty()) {
            throw BerthException.invalid("image.image", "is required");
        }
        ImageStatusResponse.Builder response = ImageStatusResponse.newBuilder();
        services.images().find(reference).ifPresent(image -> {
            response.setImage(ImageViews.image(image));
            if (request.getVerbose()) {
                response.putInfo("info", "{\"id\":\"" + image.id() + "\",\"size\":" + image.size() + "}");
            }
        });
        return response.build();
    }
}

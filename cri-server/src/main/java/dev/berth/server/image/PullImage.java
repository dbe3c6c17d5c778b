package dev.berth.server.image;

import dev.berth.cri.v1.AuthConfig;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.PullImageResponse;
import dev.berth.host.BerthException;
import dev.berth.image.Credentials;
import dev.berth.image.Image;
import dev.berth.image.ImageStore;
import dev.berth.server.Services;

/** PullImage: fetches an image from its registry (or the registry's configured mirrors) into the store. */
public final class PullImage {

    private final Services services;

    public PullImage(Services services) {
        this.services = services;
    }

    public PullImageResponse handle(PullImageRequest request) {
        String reference = request.getImage().getImage();
        if (reference.isEmpty()) {
            throw BerthException.invalid("image.image", "is required");
        }
        try {
            ImageStore.normalize(reference);
        } catch (BerthException.InvalidArgument e) {
            throw BerthException.invalid("image.image", e.getMessage(), e);
        }
        Credentials credentials = request.hasAuth() ? credentials(request.getAuth()) : null;
        Image image = services.images().pull(reference, credentials);
        return PullImageResponse.newBuilder().setImageRef(image.id()).build();
    }

    private static Credentials credentials(AuthConfig auth) {
        return new Credentials(auth.getUsername(), auth.getPassword(), auth.getAuth(), auth.getIdentityToken(),
                auth.getRegistryToken());
    }
}

package dev.berth.server.image;

import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.cri.v1.ListImagesResponse;
import dev.berth.image.Image;
import dev.berth.server.Services;
import java.util.Comparator;
import java.util.Optional;

/** ListImages: every stored image, or only the one the filter's image names. */
public final class ListImages {

    private final Services services;

    public ListImages(Services services) {
        this.services = services;
    }

    public ListImagesResponse handle(ListImagesRequest request) {
        ListImagesResponse.Builder response = ListImagesResponse.newBuilder();
        String wanted = request.getFilter().getImage().getImage();
        if (!wanted.isEmpty()) {
            Optional<Image> image = services.images().find(wanted);
            image.ifPresent(i -> response.addImages(ImageViews.image(i)));
            return response.build();
        }
        services.images().list().stream()
                .sorted(Comparator.comparing(Image::id))
                .forEach(i -> response.addImages(ImageViews.image(i)));
        return response.build();
    }
}

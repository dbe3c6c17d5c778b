package dev.berth.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ImageFilter;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.image.Image;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.Fakes;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListImagesTest {

    private static final Image NGINX = FakeImages.image("f6", "docker.io/library/nginx:1.27", "");
    private static final Image BUSYBOX = FakeImages.image("b2", "docker.io/library/busybox:latest", "");
    private static final Image PAUSE = FakeImages.image("d4", "registry.k8s.io/pause:3.10", "65535");

    private final Fakes fakes = Fakes.create();
    private final ListImages handler = new ListImages(fakes.services());

    @BeforeEach
    void seed() {
        fakes.images().add(NGINX);
        fakes.images().add(BUSYBOX);
        fakes.images().add(PAUSE);
    }

    private List<String> ids(String filter) {
        return handler.handle(ListImagesRequest.newBuilder()
                .setFilter(ImageFilter.newBuilder().setImage(ImageSpec.newBuilder().setImage(filter))).build())
                .getImagesList().stream().map(dev.berth.cri.v1.Image::getId).toList();
    }

    @Test
    void handle_noFilter_everyImageSortedById() {
        List<String> ids = handler.handle(ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                .map(dev.berth.cri.v1.Image::getId).toList();

        assertThat(ids).containsExactly(BUSYBOX.id(), PAUSE.id(), NGINX.id());
    }

    @Test
    void handle_imageWithUserTooLargeForUid_stillListsEveryImage() {
        Image odd = FakeImages.image("0a", "docker.io/library/odd:1", "99999999999999999999");
        fakes.images().add(odd);

        List<dev.berth.cri.v1.Image> images = handler.handle(ListImagesRequest.getDefaultInstance()).getImagesList();

        assertThat(images).hasSize(4);
        assertThat(images.get(0).getUsername()).isEqualTo("99999999999999999999");
    }

    @Test
    void handle_filterByShortName_onlyThatImage() {
        assertThat(ids("busybox")).containsExactly(BUSYBOX.id());
    }

    @Test
    void handle_filterById_onlyThatImage() {
        assertThat(ids(PAUSE.id())).containsExactly(PAUSE.id());
    }

    @Test
    void handle_filterForAbsentImage_empty() {
        assertThat(ids("redis:7")).isEmpty();
    }

    @Test
    void handle_item_carriesTagsDigestsSizeSpecAndUser() {
        dev.berth.cri.v1.Image item = handler.handle(ListImagesRequest.newBuilder()
                .setFilter(ImageFilter.newBuilder().setImage(ImageSpec.newBuilder().setImage(PAUSE.id()))).build())
                .getImages(0);

        assertThat(item.getRepoTagsList()).containsExactlyElementsOf(PAUSE.repoTags());
        assertThat(item.getRepoDigestsList()).containsExactlyElementsOf(PAUSE.repoDigests());
        assertThat(item.getSize()).isEqualTo(PAUSE.size());
        assertThat(item.getSpec().getImage()).isEqualTo(PAUSE.id());
        assertThat(item.getUid().getValue()).isEqualTo(65535);
    }
}

package dev.berth.server.image;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.host.BerthException;
import dev.berth.image.Image;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemoveImageTest {

    private static final String TAG = "docker.io/library/busybox:1.36";
    private static final Image IMAGE = FakeImages.image("e4", TAG, "");

    private final Fakes fakes = Fakes.create();
    private final RemoveImage handler = new RemoveImage(fakes.services());

    @BeforeEach
    void seed() {
        fakes.images().add(IMAGE);
    }

    private static RemoveImageRequest request(String image) {
        return RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build();
    }

    @Test
    void handle_storedImage_removesIt() {
        handler.handle(request(IMAGE.id()));

        assertThat(fakes.log().mutations()).containsExactly("images.remove(" + IMAGE.id() + ")");
        assertThat(fakes.images().list()).isEmpty();
    }

    @Test
    void handle_absentImage_succeeds() {
        handler.handle(request("redis:7"));

        assertThat(fakes.log().mutations()).containsExactly("images.remove(redis:7)");
        assertThat(fakes.images().list()).containsExactly(IMAGE);
    }

    @Test
    void handle_imageInUse_errorSurfacesAndImageStays() {
        fakes.images().mountRootfs("c1".repeat(32), IMAGE.id());

        Throwable thrown = catchThrowable(() -> handler.handle(request(TAG)));

        assertThat(thrown).isInstanceOf(BerthException.FailedPrecondition.class);
        assertThat(fakes.images().list()).containsExactly(IMAGE);
    }

    @Test
    void handle_emptyImage_invalidAndNothingRemoved() {
        assertInvalid(() -> handler.handle(request("")), "image.image");
        assertThat(fakes.log().all()).isEmpty();
    }
}

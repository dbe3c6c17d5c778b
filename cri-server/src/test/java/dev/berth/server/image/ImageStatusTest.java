package dev.berth.server.image;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ImageStatusRequest;
import dev.berth.cri.v1.ImageStatusResponse;
import dev.berth.image.Image;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageStatusTest {

    private static final String TAG = "docker.io/library/busybox:1.36";

    private final Fakes fakes = Fakes.create();
    private final ImageStatus handler = new ImageStatus(fakes.services());

    private static ImageStatusRequest request(String image) {
        return ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build();
    }

    @Test
    void handle_storedImage_reportsIdTagsDigestsSizeAndSpec() {
        Image image = FakeImages.image("e4", TAG, "");
        fakes.images().add(image);

        dev.berth.cri.v1.Image status = handler.handle(request("busybox:1.36")).getImage();

        assertThat(status.getId()).isEqualTo(image.id());
        assertThat(status.getRepoTagsList()).containsExactly(TAG);
        assertThat(status.getRepoDigestsList()).containsExactlyElementsOf(image.repoDigests());
        assertThat(status.getSize()).isEqualTo(image.size());
        assertThat(status.getSpec().getImage()).isEqualTo(image.id());
    }

    @Test
    void handle_absentImage_emptyResponseNotError() {
        ImageStatusResponse response = handler.handle(request("redis:7"));

        assertThat(response.hasImage()).isFalse();
        assertThat(response.getInfoMap()).isEmpty();
    }

    @ParameterizedTest(name = "USER \"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "1000        | 1000 | none",
            "1000:1000   | 1000 | none",
            "0:0         | 0    | none",
            "berth       | none | berth",
            "berth:staff | none | berth",
            "''          | none | none",
    })
    void handle_imageUser_numericToUidNameToUsernameGroupDropped(String user, Long uid, String username) {
        fakes.images().add(FakeImages.image("e4", TAG, user));

        dev.berth.cri.v1.Image status = handler.handle(request(TAG)).getImage();

        assertThat(status.hasUid()).isEqualTo(uid != null);
        if (uid != null) {
            assertThat(status.getUid().getValue()).isEqualTo(uid);
        }
        assertThat(status.getUsername()).isEqualTo(username == null ? "" : username);
    }

    @Test
    void handle_imageUserTooLargeForUid_reportedAsUsername() {
        // The USER of a pulled image is untrusted input: it must not break status (or ListImages) for the node.
        fakes.images().add(FakeImages.image("e4", TAG, "99999999999999999999:0"));

        dev.berth.cri.v1.Image status = handler.handle(request(TAG)).getImage();

        assertThat(status.hasUid()).isFalse();
        assertThat(status.getUsername()).isEqualTo("99999999999999999999");
    }

    @Test
    void handle_verbose_infoHasIdAndSize() {
        Image image = FakeImages.image("e4", TAG, "");
        fakes.images().add(image);

        ImageStatusResponse response = handler.handle(request(TAG).toBuilder().setVerbose(true).build());

        assertThat(response.getInfoMap().get("info"))
                .contains("\"id\":\"" + image.id() + "\"")
                .contains("\"size\":" + image.size());
    }

    @Test
    void handle_emptyImage_invalid() {
        assertInvalid(() -> handler.handle(request("")), "image.image");
    }
}

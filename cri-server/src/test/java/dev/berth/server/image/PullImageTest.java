package dev.berth.server.image;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.AuthConfig;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.host.BerthException;
import dev.berth.image.Credentials;
import dev.berth.image.Image;
import dev.berth.server.fakes.FakeImages;
import dev.berth.server.fakes.Fakes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PullImageTest {

    private static final String TAG = "registry.k8s.io/pause:3.10";
    private static final Image IMAGE = FakeImages.image("e4", TAG, "65535:65535");

    private final Fakes fakes = Fakes.create();
    private final PullImage handler = new PullImage(fakes.services());

    @BeforeEach
    void publish() {
        fakes.images().publish(TAG, IMAGE);
    }

    private static PullImageRequest request(String image) {
        return PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build();
    }

    @Test
    void handle_published_storesItAndAnswersItsId() {
        String ref = handler.handle(request(TAG)).getImageRef();

        assertThat(ref).isEqualTo(IMAGE.id());
        assertThat(fakes.log().mutations()).containsExactly("images.pull(" + TAG + ")");
        assertThat(fakes.images().find(TAG)).map(Image::id).contains(IMAGE.id());
    }

    @Test
    void handle_withoutAuth_pullsAnonymously() {
        handler.handle(request(TAG));

        assertThat(fakes.images().pullCredentials()).containsExactly((Credentials) null);
    }

    @Test
    void handle_withAuth_passesEveryCredentialField() {
        handler.handle(request(TAG).toBuilder().setAuth(AuthConfig.newBuilder().setUsername("robot")
                .setPassword("s3cret").setAuth("cm9ib3Q6czNjcmV0").setIdentityToken("idt").setRegistryToken("rt"))
                .build());

        assertThat(fakes.images().pullCredentials())
                .containsExactly(new Credentials("robot", "s3cret", "cm9ib3Q6czNjcmV0", "idt", "rt"));
    }

    @Test
    void handle_pullFails_errorSurfaces() {
        RuntimeException failure = BerthException.permissionDenied("401 from registry");
        fakes.images().failOn("pull", failure);

        assertThat(catchThrowable(() -> handler.handle(request(TAG)))).isSameAs(failure);
        assertThat(fakes.images().list()).isEmpty();
    }

    @Test
    void handle_emptyImage_invalidAndNothingPulled() {
        assertInvalid(() -> handler.handle(request("")), "image.image");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_notAReference_invalidNamingTheFieldAndNothingPulled() {
        for (String bad : new String[] {"/etc/passwd", "busybox:bad tag", "Upper", "busybox@sha256:00"}) {
            assertInvalid(() -> handler.handle(request(bad)), "image.image");
        }
        assertThat(fakes.log().all()).isEmpty();
    }
}

package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
            "user/app:v1.2-rc_3, docker.io/user/app:v1.2-rc_3",
            "registry.k8s.io/pause:3.9, registry.k8s.io/pause:3.9",
            "registry.k8s.io/e2e-test-images/agnhost:2.45, registry.k8s.io/e2e-test-images/agnhost:2.45",
            "localhost/app, localhost/app:latest",
            "localhost:5000/app:tag, localhost:5000/app:tag",
            "127.0.0.1:5000/a/b/c, 127.0.0.1:5000/a/b/c:latest",
            "Registry.Example/app, Registry.Example/app:latest",
            "quay.io/a__b/c.d-e, quay.io/a__b/c.d-e:latest",
            "busybox@sha256:" + HEX + ", docker.io/library/busybox@sha256:" + HEX,
            "busybox:1.36@sha256:" + HEX + ", docker.io/library/busybox@sha256:" + HEX,
            "host:5000/x@sha256:" + HEX + ", host:5000/x@sha256:" + HEX,
    })
    void normalize_validReference_returnsCanonicalForm(String input, String expected) {
        assertThat(ImageStore.normalize(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", " ", "Busybox", "busybox:", "busybox::1", "busybox@sha256:abc", "busybox@md5:" + HEX,
            "-busybox", "busybox-", "a//b", "/busybox", "busybox:-tag", "UPPER/lower/Upper", "a..b", "host:port/x",
            "busybox:" + "t12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"})
    void normalize_invalidReference_throwsInvalidReference(String input) {
        assertThatThrownBy(() -> ImageStore.normalize(input))
                .isInstanceOf(BerthException.InvalidArgument.class);
    }

    @org.junit.jupiter.api.Test
    void parse_mirroredName_keepsPathForRegistry() {
        Reference ref = Reference.parse("busybox:1");
        assertThat(ref.domain()).isEqualTo("docker.io");
        assertThat(ref.path()).isEqualTo("library/busybox");
        assertThat(ref.object()).isEqualTo("1");
        assertThat(ref.withDigest("sha256:" + HEX)).isEqualTo("docker.io/library/busybox@sha256:" + HEX);
    }
}

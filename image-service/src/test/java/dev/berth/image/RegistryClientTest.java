package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryClientTest {
    @Test
    void endpoints_mirroredHost_mirrorsFirstThenHostOverHttps() {
        var endpoints = RegistryClient.endpoints("registry.k8s.io", List.of(
                new RegistryMirror("registry.k8s.io", List.of("http://127.0.0.1:5000/", "mirror.example")),
                new RegistryMirror("docker.io", List.of("http://127.0.0.1:6000"))));
        assertThat(endpoints).containsExactly(URI.create("http://127.0.0.1:5000"), URI.create("https://mirror.example"),
                URI.create("https://registry.k8s.io"));
    }

    @Test
    void endpoints_dockerHub_usesRegistry1() {
        assertThat(RegistryClient.endpoints("docker.io", List.of())).containsExactly(URI.create("https://registry-1.docker.io"));
    }

    @Test
    void endpoints_loopbackRegistry_fallsBackToHttp() {
        assertThat(RegistryClient.endpoints("127.0.0.1:5000", List.of()))
                .containsExactly(URI.create("https://127.0.0.1:5000"), URI.create("http://127.0.0.1:5000"));
    }

    @Test
    void challengeParse_bearerHeader_readsQuotedParams() {
        var c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:library/busybox:pull,push\"");
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.params()).containsEntry("realm", "https://auth.example/token")
                .containsEntry("service", "registry.example")
                .containsEntry("scope", "repository:library/busybox:pull,push");
    }

    @Test
    void challengeParse_basic_readsRealm() {
        var c = Challenge.parse("Basic realm=basic-realm");
        assertThat(c.scheme()).isEqualTo("basic");
        assertThat(c.params()).containsEntry("realm", "basic-realm");
    }

    @Test
    void basic_userAndPassword_encodesPair() {
        assertThat(RegistryClient.basic(new Credentials("u", "p", null, null, null))).isEqualTo("Basic dTpw");
        assertThat(RegistryClient.basic(new Credentials(null, null, "dTpw", null, null))).isEqualTo("Basic dTpw");
        assertThat(RegistryClient.basic(Credentials.NONE)).isNull();
    }

    @Test
    void credentialsToString_withSecrets_hidesThem() {
        assertThat(new Credentials("u", "hunter2", "aHVudGVyMg==", "idtok", "regtok").toString())
                .doesNotContain("hunter2", "aHVudGVyMg==", "idtok", "regtok");
    }
}

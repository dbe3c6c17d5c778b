package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import dev.berth.host.BerthException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry behind an authenticating front (Bearer token service or Basic), on loopback. */
class RegistryAuthIT {
    private static final String BASIC_UP = "Basic dTpw"; // u:p
    private static final String TOKEN = "tok-123";
    @TempDir
    static Path registryDir;
    static LocalRegistry registry;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    HttpServer front;
    final AtomicInteger tokenRequests = new AtomicInteger();

    @TempDir
    Path root;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start(registryDir);
        TestImages.pushBusybox(registry.endpoint(), "private/app", "1");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void stopFront() {
        if (front != null) {
            front.stop(0);
        }
    }

    private String startFront(boolean bearer) throws IOException {
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + front.getAddress().getPort();
        front.createContext("/token", ex -> {
            tokenRequests.incrementAndGet();
            boolean ok = BASIC_UP.equals(ex.getRequestHeaders().getFirst("Authorization"))
                    && ex.getRequestURI().getRawQuery().contains("scope=repository%3Aprivate%2Fapp%3Apull");
            respond(ex, ok ? 200 : 401, ok ? "{\"token\":\"" + TOKEN + "\"}" : "{}");
        });
        front.createContext("/v2/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            boolean ok = bearer ? ("Bearer " + TOKEN).equals(auth) : BASIC_UP.equals(auth);
            if (!ok) {
                ex.getResponseHeaders().add("WWW-Authenticate", bearer
                        ? "Bearer realm=\"" + base + "/token\",service=\"fake\",scope=\"repository:private/app:pull\""
                        : "Basic realm=\"fake\"");
                respond(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                return;
            }
            proxy(ex);
        });
        front.start();
        return base;
    }

    private static void proxy(HttpExchange ex) throws IOException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.endpoint() + ex.getRequestURI().toString()));
            String accept = ex.getRequestHeaders().getFirst("Accept");
            if (accept != null) {
                request.header("Accept", accept);
            }
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            ex.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(ex, 500, "interrupted");
        }
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private ImageStore store(String front) {
        return ImageStore.open(new ImageSettings(root, List.of(new RegistryMirror("auth.example", List.of(front)))));
    }

    @Test
    void pull_bearerChallengeWithCredentials_fetchesTokenOnceAndSucceeds() throws Exception {
        try (ImageStore store = store(startFront(true))) {
            Image image = store.pull("auth.example/private/app:1", new Credentials("u", "p", null, null, null));
            assertThat(image.repoTags()).containsExactly("auth.example/private/app:1");
            assertThat(tokenRequests.get()).isEqualTo(1);
        }
    }

    @Test
    void pull_bearerChallengeWithRegistryToken_usesItDirectly() throws Exception {
        try (ImageStore store = store(startFront(true))) {
            store.pull("auth.example/private/app:1", new Credentials(null, null, null, null, TOKEN));
            assertThat(tokenRequests.get()).isZero();
        }
    }

    @Test
    void pull_bearerChallengeWithoutCredentials_throwsUnauthorized() throws Exception {
        try (ImageStore store = store(startFront(true))) {
            assertThatThrownBy(() -> store.pull("auth.example/private/app:1", null))
                    .isInstanceOfSatisfying(BerthException.PermissionDenied.class, e -> {
                    });
            assertThat(store.list()).isEmpty();
        }
    }

    @Test
    void pull_basicChallengeWithAuthField_succeeds() throws Exception {
        try (ImageStore store = store(startFront(false))) {
            Image image = store.pull("auth.example/private/app:1", new Credentials(null, null, "dTpw", null, null));
            assertThat(image.id()).startsWith("sha256:");
        }
    }

    @Test
    void pull_basicChallengeWrongPassword_throwsUnauthorizedWithoutSecret() throws Exception {
        try (ImageStore store = store(startFront(false))) {
            assertThatThrownBy(() -> store.pull("auth.example/private/app:1", new Credentials("u", "wrong-pw", null, null, null)))
                    .isInstanceOfSatisfying(BerthException.PermissionDenied.class, e -> {
                        assertThat(e.getMessage()).doesNotContain("wrong-pw");
                    });
        }
    }
}

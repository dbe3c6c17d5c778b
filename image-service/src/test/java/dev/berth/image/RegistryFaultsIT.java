package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.fixtures.LayerBuilder;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import dev.berth.host.BerthException;
import dev.berth.host.Json;
import dev.berth.image.FaultyProxy.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls through {@link FaultyProxy}, which breaks the last layer's blob (or the manifest) on cue: every failure must
 * be named in the error and leave no download, blob or layer behind, and the next pull must work.
 */
class RegistryFaultsIT {
    private static final String HOST = "registry.example.test";
    private static final String IMAGE = HOST + "/e2e/busybox:faults";
    private static final String MANIFEST_PATH = "/v2/e2e/busybox/manifests/faults";
    /** Short enough that a stalled registry fails the test quickly, long enough for a loaded 2-core machine. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PULL_LIMIT = Duration.ofSeconds(60);
    private static final int BLOB_ATTEMPTS = Puller.BLOB_ATTEMPTS;

    @TempDir
    static Path registryDir;
    static LocalRegistry registry;
    static String configDigest;
    static String lastLayer;

    @TempDir
    Path root;
    FaultyProxy proxy;
    ImageStore store;

    @BeforeAll
    static void pushImage() throws Exception {
        registry = LocalRegistry.start(registryDir);
        // Incompressible content makes the faulted blob large enough to break in the middle of a transfer.
        byte[] noise = new byte[512 * 1024];
        new Random(42).nextBytes(noise);
        byte[] extra = new LayerBuilder().dir("data", 0755).file("data/noise", noise, 0644).tar();
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "faults", Map.of(), List.of(extra));
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(registry.endpoint().resolve(MANIFEST_PATH))
                        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode manifest = Json.MAPPER.readTree(response.body());
        configDigest = manifest.path("config").path("digest").asText();
        JsonNode layers = manifest.path("layers");
        assertThat(layers).hasSize(2);
        lastLayer = layers.get(1).path("digest").asText();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void setUp() {
        proxy = FaultyProxy.start(registry.endpoint());
        store = ImageStore.open(new ImageSettings(root, List.of(new RegistryMirror(HOST, List.of(proxy.endpoint()))),
                false, STALL_TIMEOUT));
    }

    @AfterEach
    void tearDown() {
        store.close();
        proxy.close();
    }

    @Test
    void pull_layerBlobTruncated_failsUnavailableNamingBlobAndLeavesNothing() throws Exception {
        proxy.inject(blobPath(lastLayer), Fault.TRUNCATE);

        BerthException e = pullFails();

        assertThat(e).isInstanceOf(BerthException.Unavailable.class)
                .hasMessageContaining(IMAGE).hasMessageContaining(lastLayer)
                .hasMessageContaining("(" + BLOB_ATTEMPTS + " attempts)").hasMessageContaining("transfer broke off after");
        assertThat(proxy.requests(blobPath(lastLayer))).isEqualTo(BLOB_ATTEMPTS);
        assertNothingLeft();
        assertHealedPullSucceedsAndRemoveLeavesNothing();
    }

    @Test
    void pull_layerBlobCorrupted_failsWithDigestMismatchWithoutRetryAndLeavesNothing() throws Exception {
        proxy.inject(blobPath(lastLayer), Fault.CORRUPT);

        BerthException e = pullFails();

        assertThat(e).isInstanceOf(BerthException.Failed.class)
                .hasMessageContaining(IMAGE).hasMessageContaining("digest mismatch").hasMessageContaining(lastLayer);
        // The registry sent what it holds: asking again would only fetch the same bad bytes.
        assertThat(proxy.requests(blobPath(lastLayer))).isEqualTo(1);
        assertNothingLeft();
        assertHealedPullSucceedsAndRemoveLeavesNothing();
    }

    @Test
    void pull_layerBlobConnectionReset_failsUnavailableNamingBlobAndLeavesNothing() throws Exception {
        proxy.inject(blobPath(lastLayer), Fault.RESET);

        BerthException e = pullFails();

        assertThat(e).isInstanceOf(BerthException.Unavailable.class)
                .hasMessageContaining(IMAGE).hasMessageContaining(lastLayer).hasMessageContaining("reset");
        assertThat(proxy.requests(blobPath(lastLayer))).isEqualTo(BLOB_ATTEMPTS);
        assertNothingLeft();
        assertHealedPullSucceedsAndRemoveLeavesNothing();
    }

    @Test
    void pull_layerBlobHttp500_failsUnavailableAfterRetriesAndLeavesNothing() throws Exception {
        proxy.inject(blobPath(lastLayer), Fault.ERROR_500);

        BerthException e = pullFails();

        assertThat(e).isInstanceOf(BerthException.Unavailable.class)
                .hasMessageContaining(IMAGE).hasMessageContaining(lastLayer).hasMessageContaining("HTTP 500");
        assertThat(proxy.requests(blobPath(lastLayer))).isEqualTo(BLOB_ATTEMPTS);
        assertNothingLeft();
        assertHealedPullSucceedsAndRemoveLeavesNothing();
    }

    @Test
    void pull_manifestHttp500_failsUnavailableAndLeavesNothing() throws Exception {
        proxy.inject(MANIFEST_PATH, Fault.ERROR_500);

        BerthException e = pullFails();

        assertThat(e).isInstanceOf(BerthException.Unavailable.class)
                .hasMessageContaining(IMAGE).hasMessageContaining("manifests/faults").hasMessageContaining("HTTP 500");
        assertThat(proxy.requests(blobPath(configDigest))).isZero();
        assertNothingLeft();
        assertHealedPullSucceedsAndRemoveLeavesNothing();
    }

    @Test
    void pull_layerBlobStalls_failsAfterStallTimeoutAndLeavesNothing() throws Exception {
        proxy.inject(blobPath(lastLayer), Fault.STALL);

        long start = System.nanoTime();
        BerthException e = pullFails();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e).isInstanceOf(BerthException.Unavailable.class)
                .hasMessageContaining(IMAGE).hasMessageContaining(lastLayer).hasMessageContaining("no data");
        assertThat(proxy.requests(blobPath(lastLayer))).isEqualTo(BLOB_ATTEMPTS);
        assertThat(took).isGreaterThanOrEqualTo(STALL_TIMEOUT.multipliedBy(BLOB_ATTEMPTS));
        assertNothingLeft();
        assertHealedPullSucceedsAndRemoveLeavesNothing();
    }

    @Test
    void pull_layerBlobFailsOnce_retriesAndSucceeds() throws Exception {
        proxy.inject(blobPath(lastLayer), Fault.RESET, 1);

        Image image = assertTimeoutPreemptively(PULL_LIMIT, () -> store.pull(IMAGE, null));

        assertThat(image.repoTags()).containsExactly(IMAGE);
        assertThat(proxy.requests(blobPath(lastLayer))).isEqualTo(2);
        assertThat(entries("ingest")).isEmpty();
        assertThat(store.remove(IMAGE)).isTrue();
        assertThat(entries("blobs/sha256")).isEmpty();
        assertThat(entries("layers")).isEmpty();
    }

    private static String blobPath(String digest) {
        return "/v2/e2e/busybox/blobs/" + digest;
    }

    /** Pulls, expecting a failure; a hang fails the test instead of the whole run. */
    private BerthException pullFails() {
        return assertTimeoutPreemptively(PULL_LIMIT,
                () -> catchThrowableOfType(BerthException.class, () -> store.pull(IMAGE, null)),
                "pull did not end within " + PULL_LIMIT);
    }

    private void assertNothingLeft() throws Exception {
        assertThat(store.list()).isEmpty();
        assertThat(entries("ingest")).isEmpty();
        assertThat(entries("blobs/sha256")).isEmpty();
        assertThat(entries("layers")).isEmpty();
        assertThat(entries("images")).isEmpty();
    }

    private void assertHealedPullSucceedsAndRemoveLeavesNothing() throws Exception {
        proxy.heal();
        Image image = assertTimeoutPreemptively(PULL_LIMIT, () -> store.pull(IMAGE, null));
        assertThat(image.repoTags()).containsExactly(IMAGE);
        assertThat(image.id()).isEqualTo(configDigest);
        assertThat(store.list()).containsExactly(image);
        assertThat(entries("blobs/sha256")).hasSize(3);
        assertThat(entries("layers")).hasSize(2);

        assertThat(store.remove(IMAGE)).isTrue();
        assertThat(store.list()).isEmpty();
        assertThat(entries("blobs/sha256")).isEmpty();
        assertThat(entries("layers")).isEmpty();
        assertThat(entries("ingest")).isEmpty();
    }

    private List<Path> entries(String dir) throws Exception {
        Path path = root.resolve(dir);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(path)) {
            return s.toList();
        }
    }
}

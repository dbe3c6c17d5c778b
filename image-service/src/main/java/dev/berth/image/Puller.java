package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.host.KeyedLocks;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one image from one registry endpoint into the blob and layer stores: manifest (through an
 * index when there is one), config, then each layer blob, verified and unpacked once. A blob download that
 * fails as unavailable (HTTP 5xx, a dropped or stalled connection) is tried {@value #BLOB_ATTEMPTS} times.
 * Thread-safe: blobs and layers are guarded by per-digest locks.
 */
final class Puller {
    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
    /** Tries at one blob per endpoint: a transient failure is retried, a persistent one costs little more. */
    static final int BLOB_ATTEMPTS = 3;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final RegistryClient client;
    private final BlobStore blobs;
    private final LayerStore layers;
    private final KeyedLocks locks;

    Puller(RegistryClient client, BlobStore blobs, LayerStore layers, KeyedLocks locks) {
        this.client = client;
        this.blobs = blobs;
        this.layers = layers;
        this.locks = locks;
    }

    /** What a pull produced, ready to be recorded. */
    record Pulled(String manifestDigest, String configDigest, ImageConfig config, List<ImageRecord.LayerRef> layers, long size) {
    }

    /**
     * Pulls {@code ref} from {@code endpoint}. {@code pin} is called with every blob digest and chain id
     * before it is written, so a concurrent garbage collection leaves them alone.
     */
    Pulled pull(URI endpoint, Reference ref, Credentials creds, Consumer<String> pin) {
        String repository = ref.path();
        RegistryClient.Fetched top = client.manifest(endpoint, repository, ref.object(), creds);
        Manifests.Parsed parsed = Manifests.parse(top.body(), top.contentType());
        if (parsed instanceof Manifests.Index index) {
            Manifests.Descriptor chosen = Manifests.choose(index, "linux", Manifests.hostArchitecture());
            RegistryClient.Fetched platform = client.manifest(endpoint, repository, chosen.digest(), creds);
            parsed = Manifests.parse(platform.body(), platform.contentType());
            if (!(parsed instanceof Manifests.Manifest)) {
                throw BerthException.failed("index " + top.digest() + " points at another index");
            }
        }
        Manifests.Manifest manifest = (Manifests.Manifest) parsed;
        try {
            pin.accept(manifest.config().digest());
            Path configBlob = fetch(endpoint, repository, manifest.config(), creds);
            Manifests.Config config = Manifests.parseConfig(java.nio.file.Files.readAllBytes(configBlob));
            if (config.diffIds().size() != manifest.layers().size()) {
                throw BerthException.failed("config lists " + config.diffIds().size()
                        + " diff ids for " + manifest.layers().size() + " layers");
            }
            List<String> chains = Digests.chainIds(config.diffIds());
            List<ImageRecord.LayerRef> refs = new ArrayList<>();
            long size = 0;
            for (int i = 0; i < manifest.layers().size(); i++) {
                Manifests.Descriptor layer = manifest.layers().get(i);
                String chain = chains.get(i);
                pin.accept(layer.digest());
                pin.accept(chain);
                if (!layers.has(chain)) {
                    Path blob = fetch(endpoint, repository, layer, creds);
                    Failpoints.reached(Step.PULL_BLOB);
                    KeyedLocks.Held held = locks.lock("layer " + chain);
                    try {
                        layers.ensure(chain, config.diffIds().get(i), blob);
                    } finally {
                        held.close();
                    }
                }
                refs.add(new ImageRecord.LayerRef(layer.digest(), layer.size(), config.diffIds().get(i), chain));
                size += layer.size();
            }
            Failpoints.reached(Step.PULL_LAYERS);
            return new Pulled(top.digest(), manifest.config().digest(), config.config(), List.copyOf(refs), size);
        } catch (IOException e) {
            throw BerthException.failed("storing " + ref + ": " + e.getMessage(), e);
        }
    }

    private Path fetch(URI endpoint, String repository, Manifests.Descriptor descriptor, Credentials creds) throws IOException {
        KeyedLocks.Held held = locks.lock("blob " + descriptor.digest());
        try {
            if (blobs.has(descriptor.digest())) {
                return blobs.path(descriptor.digest());
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    return download(endpoint, repository, descriptor, creds);
                } catch (BerthException e) {
                    // A 5xx, a dropped connection or a stall is often gone a moment later; content that does not
                    // match its digest, a missing blob or refused credentials are not, nor is a full disk (an
                    // IOException, which ends the pull as Failed).
                    if (!(e instanceof BerthException.Unavailable) || attempt == BLOB_ATTEMPTS) {
                        throw e.within("downloading " + descriptor.digest()
                                + (attempt > 1 ? " (" + attempt + " attempts)" : ""));
                    }
                    LOG.debug("attempt {} at {} failed, retrying: {}", attempt, descriptor.digest(), e.getMessage());
                    pause(RETRY_PAUSE.multipliedBy(attempt));
                }
            }
        } finally {
            held.close();
        }
    }

    private Path download(URI endpoint, String repository, Manifests.Descriptor descriptor, Credentials creds)
            throws IOException {
        InputStream in = client.blob(endpoint, repository, descriptor.digest(), creds);
        try (in) {
            return blobs.ingest(descriptor.digest(), descriptor.size(), in);
        } catch (BerthException.Unavailable e) {
            throw e.within("reading from " + endpoint);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted while waiting to retry a download", e);
        }
    }
}

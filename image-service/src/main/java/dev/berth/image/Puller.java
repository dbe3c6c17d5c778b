package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.host.KeyedLocks;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fetches one image from one registry endpoint into the blob and layer stores: manifest (through an
 * index when there is one), config, then each layer blob, verified and unpacked once. Thread-safe:
 * blobs and layers are guarded by per-digest locks.
 */
final class Puller {
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
            try (InputStream in = client.blob(endpoint, repository, descriptor.digest(), creds)) {
                return blobs.ingest(descriptor.digest(), descriptor.size(), in);
            } catch (IOException e) {
                throw BerthException.unavailable("downloading " + descriptor.digest()
                        + " from " + endpoint + ": " + e.getMessage(), e);
            }
        } finally {
            held.close();
        }
    }
}

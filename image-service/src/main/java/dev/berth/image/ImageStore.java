package dev.berth.image;

import dev.berth.host.BerthException;
import dev.berth.host.KeyedLocks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's images: pulls them from registries (through configured mirrors), keeps their blobs,
 * unpacked layers and metadata under {@link ImageSettings#root()}, and mounts overlay root
 * filesystems for containers. Metadata survives restarts; the constructor loads it.
 *
 * <p>Thread-safe. Pulls of different images run in parallel; the same blob or layer is fetched and
 * unpacked once. Arguments must not be null unless documented; results are never null.
 */
public final class ImageStore implements Images {
    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
    private static final Pattern HEX_ID = Pattern.compile("(?:sha256:)?([a-f0-9]{64})");
    private static final Pattern HEX_PREFIX = Pattern.compile("(?:sha256:)?([a-f0-9]{3,63})");

    private final ImageSettings settings;
    private final Path root;
    private final Path containers;
    /** Bytes and inodes of each unpacked layer directory, which never changes once complete. */
    private final HttpClient http;
    private final BlobStore blobs;
    private final LayerStore layers;
    private final MetadataStore metadata;
    private final KeyedLocks locks = new KeyedLocks();
    private final Puller puller;
    private final StoreUsage usage;
    private final RootfsStore rootfsStore;

    private final Object lock = new Object();
    private final Map<String, ImageRecord> images = new LinkedHashMap<>(); // by id
    private final Map<String, Integer> inflight = new HashMap<>(); // digests and chain ids of running pulls

    /**
     * Opens the store under {@code settings.root()}, creating it if needed: loads the image and rootfs records,
     * removes what interrupted downloads and unpacks left, and collects blobs and layers no image uses.
     */
    public static ImageStore open(ImageSettings settings) {
        Path root = settings.root().toAbsolutePath().normalize();
        try {
            ImageStore store = new ImageStore(settings, root, new BlobStore(root),
                    new LayerStore(root, new LayerUnpacker(Posix.isRoot(), settings.allowDeviceNodes())),
                    new MetadataStore(root));
            store.load();
            return store;
        } catch (IOException e) {
            throw BerthException.failed("cannot open image store at " + root + ": " + e.getMessage(), e);
        }
    }

    private ImageStore(ImageSettings settings, Path root, BlobStore blobs, LayerStore layers,
                       MetadataStore metadata) {
        this.settings = settings;
        this.root = root;
        this.containers = root.resolve("containers");
        this.blobs = blobs;
        this.layers = layers;
        this.metadata = metadata;
        this.rootfsStore = new RootfsStore(containers, layers, locks, lock);
        this.usage = new StoreUsage(root, containers);
        this.http = RegistryClient.defaultHttpClient();
        this.puller = new Puller(new RegistryClient(http, settings.stallTimeout()), blobs, layers, locks);
    }

    private void load() throws IOException {
        Files.createDirectories(containers);
        synchronized (lock) {
            for (ImageRecord record : metadata.load()) {
                images.put(record.id(), record);
            }
        }
        rootfsStore.load();
        synchronized (lock) {
            collectGarbage();
        }
    }

    /**
     * Pulls {@code reference} (normalized first) and records it; {@code creds} may be null.
     * Mirrors of the reference's registry are tried first, then the registry itself over https.
     * The stored image keeps the name as asked (not the mirror's).
     */
    public Image pull(String reference, Credentials creds) {
        Reference ref = Reference.parse(reference);
        List<URI> endpoints = RegistryClient.endpoints(ref.domain(), settings.mirrors());
        Set<String> pinned = new HashSet<>();
        BerthException failure = null;
        try {
            for (URI endpoint : endpoints) {
                try {
                    Puller.Pulled pulled = puller.pull(endpoint, ref, creds, key -> pin(pinned, key));
                    return record(ref, pulled);
                } catch (BerthException e) {
                    LOG.debug("pull of {} from {} failed: {}", ref, endpoint, e.getMessage());
                    // Prefer the answer of the first endpoint that answered at all over "could not connect".
                    if (failure == null || (failure instanceof BerthException.Unavailable
                            && !(e instanceof BerthException.Unavailable))) {
                        failure = e;
                    }
                }
            }
        } finally {
            synchronized (lock) {
                for (String key : pinned) {
                    inflight.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
                }
            }
        }
        // what the failed pull stored (its config blob, layers it unpacked) belongs to no image
        collectGarbageQuietly();
        throw failure.within("pulling " + ref);
    }

    private void pin(Set<String> pinned, String key) {
        synchronized (lock) {
            if (pinned.add(key)) {
                inflight.merge(key, 1, Integer::sum);
            }
        }
    }

    private Image record(Reference ref, Puller.Pulled pulled) {
        String id = pulled.configDigest();
        String tag = ref.tag() == null ? null : ref.toString();
        String repoDigest = ref.withDigest(pulled.manifestDigest());
        synchronized (lock) {
            try {
                if (tag != null) {
                    for (ImageRecord other : List.copyOf(images.values())) {
                        if (!other.id().equals(id) && other.repoTags().contains(tag)) {
                            List<String> tags = new ArrayList<>(other.repoTags());
                            tags.remove(tag);
                            ImageRecord moved = other.withTags(tags, other.repoDigests());
                            metadata.save(moved);
                            images.put(moved.id(), moved);
                        }
                    }
                }
                ImageRecord existing = images.get(id);
                List<String> tags = new ArrayList<>(existing == null ? List.of() : existing.repoTags());
                List<String> digests = new ArrayList<>(existing == null ? List.of() : existing.repoDigests());
                if (tag != null && !tags.contains(tag)) {
                    tags.add(tag);
                }
                if (!digests.contains(repoDigest)) {
                    digests.add(repoDigest);
                }
                ImageRecord record = new ImageRecord(ImageRecord.VERSION, id, tags, digests, pulled.size(),
                        pulled.config(), pulled.layers());
                metadata.save(record);
                images.put(id, record);
                return record.toImage();
            } catch (IOException e) {
                throw BerthException.failed("saving image " + id + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Finds an image by tag ({@code "busybox"} means {@code "docker.io/library/busybox:latest"}), by
     * digest reference, by id ({@code "sha256:<hex>"} or bare hex) or by a unique id prefix of at
     * least 3 hex characters. Empty if nothing (or more than one image, for a prefix) matches.
     */
    public Optional<Image> find(String refOrId) {
        synchronized (lock) {
            return Optional.ofNullable(resolve(refOrId)).map(ImageRecord::toImage);
        }
    }

    private ImageRecord resolve(String refOrId) {
        if (refOrId == null || refOrId.isBlank()) {
            return null;
        }
        String text = refOrId.strip();
        var full = HEX_ID.matcher(text);
        if (full.matches()) {
            ImageRecord byId = images.get("sha256:" + full.group(1));
            if (byId != null || text.startsWith("sha256:")) {
                return byId;
            }
        }
        try {
            Reference ref = Reference.parse(text);
            String normalized = ref.toString();
            for (ImageRecord r : images.values()) {
                if (ref.digest() != null ? r.repoDigests().contains(normalized) : r.repoTags().contains(normalized)) {
                    return r;
                }
            }
        } catch (BerthException.InvalidArgument e) {
            // not a reference: may still be an id prefix
        }
        var prefix = HEX_PREFIX.matcher(text);
        if (prefix.matches()) {
            List<ImageRecord> matches = images.values().stream()
                    .filter(r -> r.id().startsWith("sha256:" + prefix.group(1))).toList();
            return matches.size() == 1 ? matches.get(0) : null;
        }
        return null;
    }

    /** All images, in the order they were first stored. */
    public List<Image> list() {
        synchronized (lock) {
            return images.values().stream().map(ImageRecord::toImage).toList();
        }
    }

    /**
     * RemoveImage semantics: a tag removes only that tag, and the image once no tag is left; an id
     * or digest reference removes the image with all its tags. Unreferenced layers and blobs are
     * deleted. Returns false if nothing matches.
     *
     * @throws BerthException.FailedPrecondition if a mounted container rootfs uses the image
     */
    public boolean remove(String refOrId) {
        synchronized (lock) {
            ImageRecord record = resolve(refOrId);
            if (record == null) {
                return false;
            }
            String tag = tagOf(refOrId, record);
            try {
                if (tag != null && record.repoTags().size() > 1) {
                    List<String> tags = new ArrayList<>(record.repoTags());
                    tags.remove(tag);
                    ImageRecord untagged = record.withTags(tags, record.repoDigests());
                    metadata.save(untagged);
                    images.put(untagged.id(), untagged);
                    return true;
                }
                Optional<String> user = rootfsStore.userOf(record.id());
                if (user.isPresent()) {
                    throw BerthException.failedPrecondition("image " + record.id() + " is used by container "
                            + user.get());
                }
                metadata.delete(record.id());
                images.remove(record.id());
                collectGarbage();
                return true;
            } catch (IOException e) {
                throw BerthException.failed("removing image " + record.id() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The normalized tag {@code refOrId} named, or null if it named the image by id or digest. */
    private static String tagOf(String refOrId, ImageRecord record) {
        try {
            Reference ref = Reference.parse(refOrId.strip());
            return ref.tag() != null && record.repoTags().contains(ref.toString()) ? ref.toString() : null;
        } catch (BerthException.InvalidArgument e) {
            return null;
        }
    }

    /** {@link #collectGarbage} under the store's lock; a failure is logged, the next collection retries. */
    private void collectGarbageQuietly() {
        synchronized (lock) {
            try {
                collectGarbage();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot remove what a failed pull left: {}", e.getMessage());
            }
        }
    }

    /** Deletes layers and blobs that no image, mounted rootfs or running pull refers to. Holds {@link #lock}. */
    private void collectGarbage() throws IOException {
        Set<String> keep = new HashSet<>(inflight.keySet());
        for (ImageRecord r : images.values()) {
            keep.add(r.configDigest());
            for (ImageRecord.LayerRef l : r.layers()) {
                keep.add(l.digest());
                keep.add(l.chainId());
            }
        }
        keep.addAll(rootfsStore.chainIdsInUse());
        for (String chain : layers.all()) {
            if (!keep.contains(chain)) {
                layers.delete(chain);
            }
        }
        for (String blob : blobs.all()) {
            if (!keep.contains(blob)) {
                blobs.delete(blob);
            }
        }
    }

    /** Bytes and inodes used under the store's root (blobs, layers, container upper dirs). */
    public FsUsage usage() {
        return usage.total();
    }

    /**
     * Bytes and inodes in the container's upper dir, reported on the store's root as containerd reports its
     * snapshotter's; empty when the container has no rootfs here.
     */
    public Optional<FsUsage> containerFsUsage(String containerId) {
        return usage.container(containerId);
    }

    /**
     * Mounts an overlay rootfs for {@code containerId} from the image's layers (any form
     * {@link #find} accepts) with its own upper and work dirs; returns the merged directory.
     * Idempotent. The image's layers cannot be removed while the rootfs exists.
     *
     * @throws BerthException.NotFound for an unknown image
     */
    public Path mountRootfs(String containerId, String imageId) {
        return rootfsStore.mount(containerId, () -> {
            ImageRecord image = resolve(imageId);
            if (image == null) {
                throw BerthException.notFound("image " + imageId + " not found");
            }
            return image;
        });
    }

    /** Unmounts the container's rootfs (lazily if busy) and deletes its directories. Idempotent. */
    public void unmountRootfs(String containerId) {
        rootfsStore.unmount(containerId);
    }

    /** Ids of containers that have a rootfs directory (mounted or not), for start-up reconciliation. */
    public Set<String> mountedContainers() {
        return rootfsStore.containerIds();
    }

    /**
     * {@code "busybox"} becomes {@code "docker.io/library/busybox:latest"}; a reference with a digest
     * becomes {@code name@sha256:...}.
     *
     * @throws BerthException.InvalidArgument if it is not an image reference
     */
    public static String normalize(String reference) {
        return Reference.parse(reference).toString();
    }

    /** Releases the HTTP client. Stored data and mounts stay. */
    @Override
    public void close() {
        http.shutdownNow();
    }
}

package dev.berth.server.fakes;

import dev.berth.host.BerthException;
import dev.berth.image.Credentials;
import dev.berth.image.FsUsage;
import dev.berth.image.Image;
import dev.berth.image.ImageConfig;
import dev.berth.image.ImageStore;
import dev.berth.image.Images;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An in-memory {@link Images}. A pull finds its image among those {@link #publish published} (as a registry
 * would) and stores it; find, remove and mountRootfs resolve tags, digests, ids and unique id prefixes as the
 * real store does, with references normalized by {@link ImageStore#normalize}. Mounting records the
 * container's image and answers a made-up path. Every call is recorded in the {@link CallLog} as
 * {@code images.<method>(...)}; {@link #failOn} makes a method throw after recording. Thread-safe.
 */
public final class FakeImages implements Images {

    private static final Pattern HEX_ID = Pattern.compile("(?:sha256:)?([0-9a-f]{64})");
    private static final Pattern HEX_PREFIX = Pattern.compile("(?:sha256:)?([0-9a-f]{3,63})");

    private final CallLog log;
    private final Failures failures = new Failures(Images.class);
    private final Map<String, Image> registry = new HashMap<>();
    private final Map<String, Image> images = new LinkedHashMap<>();
    private final Map<String, String> rootfs = new TreeMap<>();
    private final Map<String, FsUsage> layerUsage = new HashMap<>();
    private final List<Credentials> pullCredentials = new ArrayList<>();
    private FsUsage usage = new FsUsage(Path.of("/var/lib/berth/images"), 0, 0, 0);
    private boolean closed;

    public FakeImages(CallLog log) {
        this.log = log;
    }

    /** An image with id {@code sha256:<seed repeated to 64 hex digits>}, the given tag and USER. */
    public static Image image(String hexSeed, String tag, String user) {
        return image(hexSeed, tag, new ImageConfig(List.of("/bin/sh"), List.of("-c", "sleep 3600"),
                List.of("PATH=/usr/bin:/bin"), "/", user, Map.of(), "", List.of(), List.of()));
    }

    /**
     * An image with id {@code sha256:<seed repeated to 64 hex digits>}, the given (normalized) tag, a repo digest
     * of that repository and the given config.
     */
    public static Image image(String hexSeed, String tag, ImageConfig config) {
        String hex = hexSeed.repeat(64 / hexSeed.length() + 1).substring(0, 64);
        String repo = tag.contains(":") ? tag.substring(0, tag.lastIndexOf(':')) : tag;
        String digest = new StringBuilder(hex).reverse().toString();
        return new Image("sha256:" + hex, List.of(tag), List.of(repo + "@sha256:" + digest),
                1024 * 1024, config);
    }

    /** Makes every later call of {@code method} (an {@link Images} method name) throw {@code failure}. */
    public synchronized void failOn(String method, RuntimeException failure) {
        failures.failOn(method, failure);
    }

    public synchronized void clearFailures() {
        failures.clear();
    }

    /** Makes {@code image} pullable as {@code reference}. */
    public synchronized void publish(String reference, Image image) {
        registry.put(ImageStore.normalize(reference), image);
    }

    /** Seeds a stored image; not recorded. */
    public synchronized void add(Image image) {
        images.put(image.id(), image);
    }

    /** What {@link #usage()} answers from now on. */
    public synchronized void setUsage(FsUsage usage) {
        this.usage = usage;
    }

    /** What {@link #containerFsUsage} answers for {@code containerId} (empty unless set). */
    public synchronized void setContainerFsUsage(String containerId, FsUsage value) {
        layerUsage.put(containerId, value);
    }

    /** The credentials of each pull, in order; an element is null for an anonymous pull. */
    public synchronized List<Credentials> pullCredentials() {
        return new ArrayList<>(pullCredentials);
    }

    /** The image id the container's root filesystem was mounted from, while it is mounted. */
    public synchronized Optional<String> rootfsImage(String containerId) {
        return Optional.ofNullable(rootfs.get(containerId));
    }

    /** The path mountRootfs answers for {@code containerId}. */
    public static Path rootfsPath(String containerId) {
        return Path.of("/var/lib/berth/images/containers", containerId, "merged");
    }

    public synchronized boolean closed() {
        return closed;
    }

    @Override
    public synchronized Image pull(String reference, Credentials creds) {
        call("pull", false, reference);
        pullCredentials.add(creds);
        String normalized = ImageStore.normalize(reference);
        Image published = registry.get(normalized);
        if (published == null) {
            throw BerthException.notFound("manifest for " + normalized + " not found");
        }
        Image stored = images.getOrDefault(published.id(), published);
        List<String> tags = new ArrayList<>(stored.repoTags());
        if (!normalized.contains("@") && !tags.contains(normalized)) {
            tags.add(normalized);
        }
        Image merged = new Image(stored.id(), tags, stored.repoDigests(), stored.size(), stored.config());
        images.put(merged.id(), merged);
        return merged;
    }

    @Override
    public synchronized Optional<Image> find(String refOrId) {
        call("find", true, refOrId);
        return Optional.ofNullable(resolve(refOrId));
    }

    @Override
    public synchronized List<Image> list() {
        call("list", true);
        return List.copyOf(images.values());
    }

    @Override
    public synchronized boolean remove(String refOrId) {
        call("remove", false, refOrId);
        Image image = resolve(refOrId);
        if (image == null) {
            return false;
        }
        String tag = tagNamed(refOrId, image);
        if (tag != null && image.repoTags().size() > 1) {
            List<String> tags = new ArrayList<>(image.repoTags());
            tags.remove(tag);
            images.put(image.id(), new Image(image.id(), tags, image.repoDigests(), image.size(), image.config()));
            return true;
        }
        if (rootfs.containsValue(image.id())) {
            throw BerthException.failedPrecondition("image " + image.id() + " is used by a container");
        }
        images.remove(image.id());
        return true;
    }

    @Override
    public synchronized FsUsage usage() {
        call("usage", true);
        return usage;
    }

    @Override
    public synchronized Optional<FsUsage> containerFsUsage(String containerId) {
        call("containerFsUsage", true, containerId);
        return Optional.ofNullable(layerUsage.get(containerId));
    }

    @Override
    public synchronized Path mountRootfs(String containerId, String imageId) {
        call("mountRootfs", false, containerId, imageId);
        Image image = resolve(imageId);
        if (image == null) {
            throw BerthException.notFound("image " + imageId + " not found");
        }
        rootfs.put(containerId, image.id());
        return rootfsPath(containerId);
    }

    @Override
    public synchronized void unmountRootfs(String containerId) {
        call("unmountRootfs", false, containerId);
        rootfs.remove(containerId);
    }

    @Override
    public synchronized Set<String> mountedContainers() {
        call("mountedContainers", true);
        return new TreeSet<>(rootfs.keySet());
    }

    @Override
    public synchronized void close() {
        call("close", false);
        closed = true;
    }

    private void call(String method, boolean query, Object... args) {
        log.record("images." + method, query, args);
        failures.check(method);
    }

    private Image resolve(String refOrId) {
        if (refOrId == null || refOrId.isBlank()) {
            return null;
        }
        String text = refOrId.strip();
        var full = HEX_ID.matcher(text);
        if (full.matches()) {
            Image byId = images.get("sha256:" + full.group(1));
            if (byId != null || text.startsWith("sha256:")) {
                return byId;
            }
        }
        try {
            String normalized = ImageStore.normalize(text);
            for (Image image : images.values()) {
                if (image.repoTags().contains(normalized) || image.repoDigests().contains(normalized)) {
                    return image;
                }
            }
        } catch (BerthException.InvalidArgument e) {
            // not a reference: may still be an id prefix
        }
        var prefix = HEX_PREFIX.matcher(text);
        if (prefix.matches()) {
            List<Image> matches = images.values().stream()
                    .filter(i -> i.id().startsWith("sha256:" + prefix.group(1))).toList();
            return matches.size() == 1 ? matches.get(0) : null;
        }
        return null;
    }

    private static String tagNamed(String refOrId, Image image) {
        try {
            String normalized = ImageStore.normalize(refOrId.strip());
            return image.repoTags().contains(normalized) ? normalized : null;
        } catch (BerthException.InvalidArgument e) {
            return null;
        }
    }
}

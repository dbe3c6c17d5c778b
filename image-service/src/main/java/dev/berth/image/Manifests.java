package dev.berth.image;

import dev.berth.host.BerthException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.host.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses manifests, indexes and image configs, and picks a platform from an index. Stateless. */
final class Manifests {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private Manifests() {
    }

    /** A content descriptor. */
    record Descriptor(String mediaType, String digest, long size) {
    }

    /** A platform entry of an index. */
    record PlatformEntry(Descriptor descriptor, String os, String architecture, String variant) {
    }

    /** Either a manifest or an index. */
    sealed interface Parsed permits Manifest, Index {
    }

    record Manifest(Descriptor config, List<Descriptor> layers) implements Parsed {
    }

    record Index(List<PlatformEntry> manifests) implements Parsed {
    }

    /** The config blob's interesting parts. */
    record Config(ImageConfig config, List<String> diffIds, String os, String architecture) {
    }

    static Parsed parse(byte[] body, String contentType) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw failed("manifest is not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw failed("manifest is not a JSON object");
        }
        if (tree.path("schemaVersion").asInt() == 1) {
            throw failed("Docker schema 1 manifests are not supported");
        }
        String type = tree.path("mediaType").asText("");
        if (type.isEmpty() && contentType != null) {
            type = contentType.split(";")[0].strip();
        }
        boolean index = type.equals(DOCKER_LIST) || type.equals(OCI_INDEX)
                || (!type.equals(DOCKER_MANIFEST) && !type.equals(OCI_MANIFEST) && tree.has("manifests"));
        if (index) {
            List<PlatformEntry> entries = new ArrayList<>();
            for (JsonNode m : tree.path("manifests")) {
                JsonNode platform = m.path("platform");
                entries.add(new PlatformEntry(descriptor(m), platform.path("os").asText(""),
                        platform.path("architecture").asText(""), platform.path("variant").asText("")));
            }
            return new Index(List.copyOf(entries));
        }
        if (!tree.has("config") || !tree.has("layers")) {
            throw failed("unsupported manifest type " + (type.isEmpty() ? "(none)" : type));
        }
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : tree.path("layers")) {
            Descriptor d = descriptor(l);
            if (!d.mediaType().isEmpty() && !d.mediaType().contains("tar")) {
                throw failed("unsupported layer media type " + d.mediaType());
            }
            layers.add(d);
        }
        return new Manifest(descriptor(tree.path("config")), List.copyOf(layers));
    }

    private static Descriptor descriptor(JsonNode node) {
        String digest = node.path("digest").asText("");
        Digests.hex(digest);
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw failed("descriptor " + digest + " without size");
        }
        return new Descriptor(node.path("mediaType").asText(""), digest, size);
    }

    /** The index entry for {@code os/arch}; variant-less entries are preferred. */
    static Descriptor choose(Index index, String os, String architecture) {
        PlatformEntry best = null;
        for (PlatformEntry e : index.manifests()) {
            if (e.os().equals(os) && e.architecture().equals(architecture)) {
                if (best == null || (!best.variant().isEmpty() && e.variant().isEmpty())) {
                    best = e;
                }
            }
        }
        if (best == null) {
            throw BerthException.notFound("no manifest for platform " + os + "/" + architecture);
        }
        return best.descriptor();
    }

    /** The architecture name the OCI uses for this JVM's host. */
    static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            default -> arch;
        };
    }

    static Config parseConfig(byte[] body) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw failed("image config is not JSON: " + e.getMessage());
        }
        JsonNode c = tree.path("config");
        List<String> diffIds = new ArrayList<>();
        for (JsonNode d : tree.path("rootfs").path("diff_ids")) {
            Digests.hex(d.asText());
            diffIds.add(d.asText());
        }
        ImageConfig config = new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")),
                strings(c.path("Env")), c.path("WorkingDir").asText(""), c.path("User").asText(""),
                labels(c.path("Labels")), c.path("StopSignal").asText(""), keys(c.path("Volumes")),
                keys(c.path("ExposedPorts")));
        return new Config(config, List.copyOf(diffIds), tree.path("os").asText(""), tree.path("architecture").asText(""));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static List<String> keys(JsonNode object) {
        List<String> out = new ArrayList<>();
        if (object.isObject()) {
            object.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        if (object.isObject()) {
            object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static BerthException failed(String message) {
        return BerthException.failed(message);
    }
}

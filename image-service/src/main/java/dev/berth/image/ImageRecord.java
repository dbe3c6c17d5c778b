package dev.berth.image;

import java.util.List;

/**
 * What is stored for one image in {@code <root>/images/<id hex>.json}. Immutable.
 *
 * @param version format version of this file
 * @param layers the image's layers, bottom first
 */
record ImageRecord(int version, String id, List<String> repoTags, List<String> repoDigests, long size,
                   ImageConfig config, List<LayerRef> layers) {
    static final int VERSION = 1;

    ImageRecord {
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
        repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
        layers = layers == null ? List.of() : List.copyOf(layers);
        config = config == null ? new ImageConfig(null, null, null, null, null, null, null, null, null) : config;
    }

    /** One layer: its compressed blob, uncompressed diff id and chain id. */
    record LayerRef(String digest, long size, String diffId, String chainId) {
    }

    Image toImage() {
        return new Image(id, repoTags, repoDigests, size, config);
    }

    String configDigest() {
        return id;
    }

    List<String> chainIds() {
        return layers.stream().map(LayerRef::chainId).toList();
    }

    ImageRecord withTags(List<String> tags, List<String> digests) {
        return new ImageRecord(VERSION, id, tags, digests, size, config, layers);
    }
}

package dev.berth.image;

import java.util.List;
import java.util.Objects;

/**
 * A stored image as the CRI reports it. {@code id} is {@code "sha256:<hex of the config blob>"};
 * {@code repoTags} like {@code "docker.io/library/busybox:latest"}; {@code repoDigests} like
 * {@code "docker.io/library/busybox@sha256:<manifest digest>"}; {@code size} is the sum of the
 * compressed layer sizes. Immutable; nothing is null.
 */
public record Image(String id, List<String> repoTags, List<String> repoDigests, long size, ImageConfig config) {
    public Image {
        Objects.requireNonNull(id, "id");
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
        repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
        Objects.requireNonNull(config, "config");
    }
}

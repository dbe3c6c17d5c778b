package dev.berth.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where the image store keeps its data ({@code root}, e.g. {@code /var/lib/berth/images}) and which
 * registry mirrors it uses. Immutable; {@code root} is non-null, {@code mirrors} never null.
 */
public record ImageSettings(Path root, List<RegistryMirror> mirrors) {
    public ImageSettings {
        Objects.requireNonNull(root, "root");
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    }
}

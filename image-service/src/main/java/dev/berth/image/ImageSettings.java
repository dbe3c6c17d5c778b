package dev.berth.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where the image store keeps its data ({@code root}, e.g. {@code /var/lib/berth/images}), which registry
 * mirrors it uses, and whether layers may bring character and block devices ({@code allowDeviceNodes}; refused
 * by default). Immutable; {@code root} is non-null, {@code mirrors} never null.
 */
public record ImageSettings(Path root, List<RegistryMirror> mirrors, boolean allowDeviceNodes) {
    public ImageSettings {
        Objects.requireNonNull(root, "root");
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    }

    /** Settings that refuse device nodes. */
    public ImageSettings(Path root, List<RegistryMirror> mirrors) {
        this(root, mirrors, false);
    }
}

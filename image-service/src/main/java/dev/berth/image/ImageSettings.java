package dev.berth.image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the image store keeps its data ({@code root}, e.g. {@code /var/lib/berth/images}), which registry
 * mirrors it uses, whether layers may bring character and block devices ({@code allowDeviceNodes}; refused
 * by default), and how long a registry may send nothing in the middle of a response before the read fails
 * ({@code stallTimeout}; {@link #DEFAULT_STALL_TIMEOUT} when null). Immutable; {@code root} is non-null,
 * {@code mirrors} and {@code stallTimeout} never null.
 */
public record ImageSettings(Path root, List<RegistryMirror> mirrors, boolean allowDeviceNodes, Duration stallTimeout) {
    /** Long enough for a slow registry under load, short enough that kubelet sees a stuck pull fail and retries. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    public ImageSettings {
        Objects.requireNonNull(root, "root");
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        stallTimeout = stallTimeout == null ? DEFAULT_STALL_TIMEOUT : stallTimeout;
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive: " + stallTimeout);
        }
    }

    /** Settings with the default stall timeout. */
    public ImageSettings(Path root, List<RegistryMirror> mirrors, boolean allowDeviceNodes) {
        this(root, mirrors, allowDeviceNodes, null);
    }

    /** Settings that refuse device nodes. */
    public ImageSettings(Path root, List<RegistryMirror> mirrors) {
        this(root, mirrors, false);
    }
}

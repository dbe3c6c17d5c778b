package dev.berth.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where CNI network configs, plugin executables and the attachment cache live.
 *
 * <p>Immutable and thread-safe. No component may be null; {@code binDirs} is searched in order.
 *
 * @param confDir directory of {@code .conflist}, {@code .conf} and {@code .json} network configs
 * @param binDirs directories searched, in order, for plugin executables (also passed as {@code CNI_PATH})
 * @param cacheDir directory where each attachment's config and result are kept for DEL and CHECK
 */
public record CniSettings(Path confDir, List<Path> binDirs, Path cacheDir) {

    /** The conf dir Berth uses unless configured otherwise. */
    public static final Path DEFAULT_CONF_DIR = Path.of("/etc/cni/net.d");
    /** The plugin dirs Berth uses unless configured otherwise. */
    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    /** The cache dir Berth uses unless configured otherwise. */
    public static final Path DEFAULT_CACHE_DIR = Path.of("/var/lib/berth/cni/cache");

    public CniSettings {
        Objects.requireNonNull(confDir, "confDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        binDirs = List.copyOf(binDirs);
        if (binDirs.isEmpty()) {
            throw new IllegalArgumentException("binDirs must not be empty");
        }
    }

    /** Returns Berth's default locations. */
    public static CniSettings defaults() {
        return new CniSettings(DEFAULT_CONF_DIR, DEFAULT_BIN_DIRS, DEFAULT_CACHE_DIR);
    }
}

package dev.berth.image;

import dev.berth.host.BerthException;
import com.github.luben.zstd.ZstdInputStream;
import dev.berth.host.FileTrees;
import dev.berth.host.LibC;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks one layer tar (gzip, zstd or plain, detected from its magic bytes) into a directory in the
 * overlay format: whiteouts become 0/0 character devices, opaque markers become the
 * {@code trusted.overlay.opaque} xattr. It never writes outside the target directory: entries with
 * {@code ..} are refused, absolute names are taken relative to the target, no symlink is followed
 * when a path is created, and hard links must point at a non-directory inside the layer. Character and block
 * devices (but the 0/0 character devices that are overlay whiteouts) are refused unless allowed: an image
 * could otherwise bring a device node of the host's disk.
 *
 * <p>Not thread-safe per call target; one instance may unpack different directories concurrently.
 */
final class LayerUnpacker {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LayerUnpacker.class);
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_MARKER = ".wh..wh..opq";
    private static final String XATTR_PREFIX = "SCHILY.xattr.";

    private final boolean root;
    private final boolean allowDeviceNodes;

    /**
     * @param root             whether Berth runs as root (owners, xattrs and device nodes need it)
     * @param allowDeviceNodes whether character and block devices in layers are created rather than refused
     */
    LayerUnpacker(boolean root, boolean allowDeviceNodes) {
        this.root = root;
        this.allowDeviceNodes = allowDeviceNodes;
    }

    /** The digest of the uncompressed tar stream (the layer's diff id) and the number of entries. */
    record Result(String diffId, long entries) {
    }

    Result unpack(InputStream compressed, Path dest) throws IOException {
        Files.createDirectories(dest);
        MessageDigest digest = Digests.sha256();
        try (InputStream plain = new DigestInputStream(decompress(compressed), digest)) {
            TarArchiveInputStream tar = new TarArchiveInputStream(plain, StandardCharsets.UTF_8.name());
            Map<Path, TarArchiveEntry> directories = new LinkedHashMap<>();
            long count = 0;
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                count++;
                apply(tar, entry, dest, directories);
            }
            // Directory modes and times last: writing children would change mtimes, and a read-only
            // mode would otherwise stop an unprivileged unpack.
            List<Map.Entry<Path, TarArchiveEntry>> dirs = new ArrayList<>(directories.entrySet());
            for (int i = dirs.size() - 1; i >= 0; i--) {
                finish(dirs.get(i).getKey(), dirs.get(i).getValue(), true);
            }
            plain.transferTo(OutputStream.nullOutputStream());
            return new Result(Digests.format(digest), count);
        }
    }

    static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return new ZstdInputStream(in);
        }
        return in;
    }

    private void apply(TarArchiveInputStream tar, TarArchiveEntry entry, Path dest,
                       Map<Path, TarArchiveEntry> directories) throws IOException {
        List<String> parts = clean(entry.getName());
        if (parts.isEmpty()) {
            if (entry.isDirectory()) {
                directories.put(dest, entry);
            }
            return;
        }
        String base = parts.get(parts.size() - 1);
        Path parent = ensureParents(dest, parts.subList(0, parts.size() - 1));
        if (base.equals(OPAQUE_MARKER)) {
            if (root) {
                Posix.lsetxattr(parent, Posix.OPAQUE_XATTR, new byte[] {'y'});
            }
            return;
        }
        if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
            return; // aufs bookkeeping (.wh..wh.plnk and the like): meaningless for overlay
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            String hidden = base.substring(WHITEOUT_PREFIX.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw unsafe(entry.getName());
            }
            Path target = parent.resolve(hidden);
            removeExisting(target);
            Posix.mknod(target, LibC.S_IFCHR, 0);
            return;
        }
        Path target = parent.resolve(base);
        BasicFileAttributes existing = attributes(target);
        if (existing != null && !(entry.isDirectory() && existing.isDirectory())) {
            removeExisting(target);
            existing = null;
        }
        if (entry.isDirectory()) {
            if (existing == null) {
                Files.createDirectory(target);
            }
            directories.put(target, entry);
            applyOwnerAndXattrs(target, entry);
            return;
        }
        if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Path source = resolveInside(dest, clean(entry.getLinkName()), entry);
            Files.createLink(target, source);
            return; // a hard link shares the inode and its metadata with the file it names
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            boolean whiteout = entry.isCharacterDevice() && entry.getDevMajor() == 0 && entry.getDevMinor() == 0;
            if (!whiteout && !allowDeviceNodes) {
                throw BerthException.failedPrecondition("layer entry " + entry.getName() + " is a "
                        + (entry.isCharacterDevice() ? "character" : "block") + " device (" + entry.getDevMajor()
                        + ":" + entry.getDevMinor() + "); images with device nodes are refused unless"
                        + " images.allow_device_nodes is set");
            }
            if (!root) {
                return;
            }
            int type = entry.isCharacterDevice() ? LibC.S_IFCHR : LibC.S_IFBLK;
            Posix.mknod(target, type | (entry.getMode() & 07777), LibC.makedev(entry.getDevMajor(), entry.getDevMinor()));
        } else if (entry.isFIFO()) {
            Posix.mknod(target, LibC.S_IFIFO | (entry.getMode() & 07777), 0);
        } else if (entry.isFile()) {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                tar.transferTo(out);
            }
        } else {
            return; // other entry types (sparse headers and such) carry nothing we materialize
        }
        applyOwnerAndXattrs(target, entry);
        finish(target, entry, false);
    }

    private void applyOwnerAndXattrs(Path target, TarArchiveEntry entry) throws IOException {
        if (!root) {
            return;
        }
        Posix.lchown(target, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            if (header.getKey().startsWith(XATTR_PREFIX)) {
                String name = header.getKey().substring(XATTR_PREFIX.length());
                // Overlay's own attributes in a layer would let an image forge whiteouts or redirects.
                if (!name.startsWith("trusted.overlay.")) {
                    try {
                        Posix.lsetxattr(target, name, header.getValue().getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // Best effort, as container engines do: e.g. security.selinux on a host without SELinux.
                        LOG.debug("skipping xattr {} on {}: {}", name, target, e.getMessage());
                    }
                }
            }
        }
    }

    private static void finish(Path target, TarArchiveEntry entry, boolean directory) throws IOException {
        if (!entry.isSymbolicLink()) {
            // chmod after lchown: chown clears set-id bits.
            Posix.chmod(target, entry.getMode() & 07777);
        }
        FileTime mtime = entry.getLastModifiedTime();
        if (mtime != null) {
            java.time.Instant instant = mtime.toInstant();
            Posix.lutimes(target, instant.getEpochSecond(), instant.getNano());
        }
    }

    /** Splits an entry name into safe components; refuses {@code ..}. Leading {@code /} and {@code .} are dropped. */
    static List<String> clean(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") || part.indexOf('\0') >= 0) {
                throw unsafe(name);
            }
            parts.add(part);
        }
        return parts;
    }

    /** Creates missing parent directories; refuses a parent that is a symlink or not a directory. */
    private static Path ensureParents(Path dest, List<String> parts) throws IOException {
        Path current = dest;
        for (String part : parts) {
            current = current.resolve(part);
            BasicFileAttributes attrs = attributes(current);
            if (attrs == null) {
                Files.createDirectory(current);
            } else if (attrs.isSymbolicLink()) {
                throw unsafe(String.join("/", parts) + " (goes through symlink " + dest.relativize(current) + ")");
            } else if (!attrs.isDirectory()) {
                throw BerthException.failed("layer entry below non-directory " + dest.relativize(current));
            }
        }
        return current;
    }

    /** The existing non-directory a hard link names, reached without following symlinks. */
    private static Path resolveInside(Path dest, List<String> parts, TarArchiveEntry entry) throws IOException {
        if (parts.isEmpty()) {
            throw unsafe(entry.getName() + " -> " + entry.getLinkName());
        }
        Path current = dest;
        for (int i = 0; i < parts.size(); i++) {
            current = current.resolve(parts.get(i));
            BasicFileAttributes attrs = attributes(current);
            boolean last = i == parts.size() - 1;
            if (attrs == null) {
                throw BerthException.failed("hard link " + entry.getName()
                        + " to missing " + entry.getLinkName());
            }
            if (!last && !attrs.isDirectory()) {
                throw unsafe(entry.getName() + " -> " + entry.getLinkName());
            }
            if (last && attrs.isDirectory()) {
                throw unsafe(entry.getName() + " -> directory " + entry.getLinkName());
            }
        }
        return current;
    }

    private static BasicFileAttributes attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private static void removeExisting(Path target) throws IOException {
        BasicFileAttributes attrs = attributes(target);
        if (attrs == null) {
            return;
        }
        if (attrs.isDirectory()) {
            FileTrees.deleteRecursively(target);
        } else {
            Files.delete(target);
        }
    }

    private static BerthException unsafe(String name) {
        return BerthException.failed("unsafe path in layer: " + name);
    }
}

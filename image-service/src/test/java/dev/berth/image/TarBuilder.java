package dev.berth.image;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds tar archives in memory for tests, including hostile ones. */
final class TarBuilder {
    static final long MTIME_MILLIS = 1_600_000_000_000L;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarBuilder dir(String name, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
        e.setMode(040000 | mode);
        return put(e, null);
    }

    TarBuilder file(String name, String content, int mode) {
        return file(name, content, mode, 0, 0);
    }

    TarBuilder file(String name, String content, int mode, int uid, int gid) {
        // The constructor would strip a leading "/"; set the raw name to test hostile archives.
        TarArchiveEntry e = new TarArchiveEntry("placeholder");
        e.setName(name);
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        e.setSize(data.length);
        e.setMode(0100000 | mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        return put(e, data);
    }

    TarBuilder symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(target);
        return put(e, null);
    }

    TarBuilder hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
        e.setLinkName(target);
        return put(e, null);
    }

    TarBuilder device(String name, boolean block, int major, int minor, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, block ? TarArchiveEntry.LF_BLK : TarArchiveEntry.LF_CHR);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode((block ? 060000 : 020000) | mode);
        return put(e, null);
    }

    TarBuilder xattr(String name, String key, String value) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(0);
        e.setMode(0100644);
        e.addPaxHeader("SCHILY.xattr." + key, value);
        return put(e, new byte[0]);
    }

    private TarBuilder put(TarArchiveEntry e, byte[] data) {
        try {
            e.setModTime(MTIME_MILLIS);
            tar.putArchiveEntry(e);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    byte[] tar() {
        try {
            tar.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}

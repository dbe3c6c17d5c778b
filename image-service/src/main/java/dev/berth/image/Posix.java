package dev.berth.image;

import dev.berth.host.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Checked wrappers over {@link LibC}: each failure becomes an {@link IOException} naming the call,
 * the path and the errno text. Stateless and thread-safe.
 */
final class Posix {
    static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    private Posix() {
    }

    static boolean isRoot() {
        return LibC.get().geteuid() == 0;
    }

    static void mknod(Path path, int mode, long dev) throws IOException {
        check(LibC.get().mknod(path.toString(), mode, dev), "mknod", path);
    }

    static void chmod(Path path, int mode) throws IOException {
        check(LibC.get().chmod(path.toString(), mode), "chmod", path);
    }

    static void lchown(Path path, int uid, int gid) throws IOException {
        check(LibC.get().lchown(path.toString(), uid, gid), "lchown", path);
    }

    static void lsetxattr(Path path, String name, byte[] value) throws IOException {
        check(LibC.get().lsetxattr(path.toString(), name, value, value.length, 0), "lsetxattr " + name, path);
    }

    /** The attribute's value, or null if the file has no such attribute. */
    static byte[] lgetxattr(Path path, String name) throws IOException {
        byte[] buffer = new byte[4096];
        long n = LibC.get().lgetxattr(path.toString(), name, buffer, buffer.length);
        if (n < 0) {
            int errno = LibC.errno();
            if (errno == 61) { // ENODATA
                return null;
            }
            throw failure("lgetxattr " + name, path, errno);
        }
        return java.util.Arrays.copyOf(buffer, (int) n);
    }

    static String lgetxattrString(Path path, String name) throws IOException {
        byte[] value = lgetxattr(path, name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** Sets access and modification time without following a final symlink. */
    static void lutimes(Path path, long epochSeconds, long nanos) throws IOException {
        long[] times = {epochSeconds, nanos, epochSeconds, nanos};
        check(LibC.get().utimensat(LibC.AT_FDCWD, path.toString(), times, LibC.AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    static void mount(String source, Path target, String type, long flags, String data) throws IOException {
        check(LibC.get().mount(source, target.toString(), type, flags, data), "mount -t " + type + " -o " + data, target);
    }

    /** Returns 0 or the errno of umount2(2). */
    static int umount2(Path target, int flags) {
        return LibC.get().umount2(target.toString(), flags) == 0 ? 0 : LibC.errno();
    }

    private static void check(int result, String call, Path path) throws IOException {
        if (result != 0) {
            throw failure(call, path, LibC.errno());
        }
    }

    static IOException failure(String call, Path path, int errno) {
        return new IOException(call + " " + path + ": " + LibC.get().strerror(errno) + " (errno " + errno + ")");
    }
}

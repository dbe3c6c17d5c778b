package dev.berth.host;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls the JDK lacks, bound once through jnr-ffi (which needs a public interface). Thread-safe;
 * functions marked {@code @SaveError} leave their errno for {@link #errno()}.
 */
public interface LibC {
    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int S_IFCHR = 0020000;
    int S_IFBLK = 0060000;
    int S_IFIFO = 0010000;
    int MNT_DETACH = 2;
    int EPERM = 1;
    int ENOENT = 2;
    int EBUSY = 16;
    int ESRCH = 3;
    int EINVAL = 22;
    int SIGKILL = 9;
    int SIGSTOP = 19;

    @SaveError
    int mount(String source, String target, String fstype, long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    @SaveError
    int mknod(String path, int mode, long dev);

    @SaveError
    int chmod(String path, int mode);

    @SaveError
    int lchown(String path, int uid, int gid);

    @SaveError
    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    @SaveError
    long lgetxattr(String path, String name, byte[] value, long size);

    /** {@code times} is {atime_sec, atime_nsec, mtime_sec, mtime_nsec}. */
    @SaveError
    int utimensat(int dirfd, String path, long[] times, int flags);

    @SaveError
    int kill(int pid, int signal);

    int geteuid();

    // file descriptors and unix sockets (conmon's attach socket is SOCK_SEQPACKET, which the JDK lacks)
    int open(String path, int flags);

    int close(int fd);

    int socket(int domain, int type, int protocol);

    int connect(int fd, byte[] address, int length);

    long recv(int fd, byte[] buffer, long length, int flags);

    long send(int fd, byte[] buffer, long length, int flags);

    int shutdown(int fd, int how);

    String strerror(int errnum);

    static LibC get() {
        return Holder.INSTANCE;
    }

    static int errno() {
        return jnr.ffi.Runtime.getRuntime(get()).getLastError();
    }

    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    final class Holder {
        static final LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

        private Holder() {
        }
    }
}

package dev.berth.server.streaming;

import dev.berth.host.LibC;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import jnr.ffi.NativeLong;

/**
 * A new pseudo-terminal on the host: this side keeps its master; the slave device is handed to the program
 * that is to use it. Calls the C library through jnr-ffi, as the JDK has no terminals of its own.
 * Thread-safe.
 *
 * @param master the master side, owned by the caller (close it when done)
 * @param slave the path of the slave device, e.g. /dev/pts/3
 */
record Pty(FileDescriptor master, Path slave) {

    private static final int O_RDWR = 02;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    /** TIOCSWINSZ on x86 and arm Linux. */
    private static final long TIOCSWINSZ = 0x5414;
    private static final LibC LIBC = LibC.get();

    static Pty open() throws IOException {
        int fd = LIBC.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open a pseudo-terminal");
        }
        String slave;
        // ptsname answers in a static buffer.
        synchronized (Pty.class) {
            slave = LIBC.grantpt(fd) == 0 && LIBC.unlockpt(fd) == 0 ? LIBC.ptsname(fd) : null;
        }
        if (slave == null) {
            LIBC.close(fd);
            throw new IOException("cannot unlock a pseudo-terminal");
        }
        return new Pty(new FileDescriptor(fd), Path.of(slave));
    }

    /** Sets the window size in characters; the terminal's foreground process group gets SIGWINCH. */
    static void resize(FileDescriptor master, int width, int height) throws IOException {
        byte[] winsize = new byte[8];
        ByteBuffer.wrap(winsize).order(ByteOrder.nativeOrder()).putShort((short) height).putShort((short) width);
        if (LIBC.ioctl(master.intValue(), NativeLong.valueOf(TIOCSWINSZ), winsize) != 0) {
            throw new IOException("cannot set the terminal's window size");
        }
    }
}

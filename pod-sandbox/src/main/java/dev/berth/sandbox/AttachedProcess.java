package dev.berth.sandbox;

import dev.berth.host.ChunkPipe;
import dev.berth.host.LibC;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A connection to a container monitor's attach socket, seen as a process: stdout and stderr are demultiplexed
 * from the socket's packets (each starts with its stream number), stdin is written to it, and the "process"
 * ends when the monitor closes the socket (the container exited) or {@link #kill()} detaches. Closing stdin
 * ends the container's input for a stdin_once container without a terminal (the monitor closes it when the
 * socket is shut for writing, and the attachment lasts until the container exits); for any other container
 * it detaches, as containerd's attach does, since its input stays open for the next client. The socket is
 * SOCK_SEQPACKET, which the JDK's unix sockets do not offer, so it is driven through the C library.
 * Thread-safe in the way of {@link ExecProcess}.
 */
final class AttachedProcess implements ExecProcess {

    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int O_PATH = 010000000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;
    private static final int STDOUT = 2;
    private static final int STDERR = 3;
    /** The monitor sends at most its 8 KiB buffer plus the stream number per packet. */
    private static final int PACKET = 8192 + 1;
    private static final LibC LIBC = LibC.get();

    /** Sets the window size of the container's terminal through its monitor. */
    @FunctionalInterface
    interface TerminalResizer {
        void resize(int width, int height) throws IOException;
    }

    private final int fd;
    private final boolean inputEndsOnClose;
    private final TerminalResizer resizer;
    private final ChunkPipe stdout = new ChunkPipe();
    private final ChunkPipe stderr = new ChunkPipe();
    private final Thread reader;
    private final OutputStream stdin = new Input();
    private final Object fdLock = new Object();
    private volatile boolean closed;

    private AttachedProcess(int fd, boolean inputEndsOnClose, TerminalResizer resizer) {
        this.fd = fd;
        this.inputEndsOnClose = inputEndsOnClose;
        this.resizer = resizer;
        this.reader = Thread.ofPlatform().daemon().name("attach-" + fd).start(this::demultiplex);
    }

    /**
     * Connects to the attach socket at {@code socket}, whose path may be longer than a socket address holds.
     *
     * @param inputEndsOnClose whether closing stdin ends the container's input (stdin_once without a terminal)
     *                         rather than detaching
     * @param resizer          the container's terminal, or null when it has none
     */
    static AttachedProcess connect(Path socket, boolean inputEndsOnClose, TerminalResizer resizer)
            throws IOException {
        // sun_path holds 108 bytes; the directory's descriptor under /proc keeps the address short.
        int dir = LIBC.open(socket.getParent().toString(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) {
            throw new IOException("no attach socket at " + socket);
        }
        int fd = LIBC.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        try {
            if (fd < 0) {
                throw new IOException("cannot create a socket");
            }
            byte[] address = address("/proc/self/fd/" + dir + "/" + socket.getFileName());
            if (LIBC.connect(fd, address, address.length) != 0) {
                LIBC.close(fd);
                throw new IOException("cannot connect to the attach socket " + socket);
            }
            return new AttachedProcess(fd, inputEndsOnClose, resizer);
        } finally {
            LIBC.close(dir);
        }
    }

    private static byte[] address(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer address = ByteBuffer.allocate(2 + bytes.length + 1).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX).put(bytes).put((byte) 0);
        return address.array();
    }

    private void demultiplex() {
        byte[] packet = new byte[PACKET];
        try {
            while (true) {
                long n = LIBC.recv(fd, packet, packet.length, 0);
                if (n <= 0) {
                    return;
                }
                byte[] payload = Arrays.copyOfRange(packet, 1, (int) n);
                switch (packet[0]) {
                    case STDOUT -> stdout.offer(payload);
                    case STDERR -> stderr.offer(payload);
                    default -> {
                        // the monitor sends nothing else to attached clients
                    }
                }
            }
        } finally {
            stdout.end();
            stderr.end();
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    /** Waits until the monitor closes the socket or the client detaches; attaching itself has no exit code. */
    @Override
    public int waitFor() throws InterruptedException {
        reader.join();
        return 0;
    }

    @Override
    public boolean isAlive() {
        return reader.isAlive();
    }

    @Override
    public void resize(int width, int height) throws IOException {
        if (resizer != null) {
            resizer.resize(width, height);
        }
    }

    /** Detaches; the container keeps running. */
    @Override
    public void kill() {
        synchronized (fdLock) {
            if (!closed) {
                LIBC.shutdown(fd, SHUT_RDWR);
            }
        }
    }

    @Override
    public void close() {
        // Unblocks a send in progress, so that the lock below is released.
        kill();
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // A descriptor number is reused once closed: sends hold this object's lock, shutdowns fdLock,
            // and both check the flag first.
            synchronized (fdLock) {
                closed = true;
                LIBC.close(fd);
            }
        }
    }

    private final class Input extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (AttachedProcess.this) {
                send(b, off, len);
            }
        }

        private void send(byte[] b, int off, int len) throws IOException {
            // The monitor reads at most its buffer's size per packet: send in pieces that fit.
            for (int start = off; start < off + len; start += PACKET - 1) {
                byte[] chunk = Arrays.copyOfRange(b, start, Math.min(off + len, start + PACKET - 1));
                if (closed || LIBC.send(fd, chunk, chunk.length, MSG_NOSIGNAL) != chunk.length) {
                    throw new IOException("the attach socket is closed");
                }
            }
        }

        /**
         * The end of the client's input: the monitor closes the container's stdin once the socket is shut for
         * writing (unless told to keep it), and still sends output; other containers are detached from.
         */
        @Override
        public void close() {
            if (!inputEndsOnClose) {
                kill();
                return;
            }
            synchronized (fdLock) {
                if (!closed) {
                    LIBC.shutdown(fd, SHUT_WR);
                }
            }
        }
    }
}

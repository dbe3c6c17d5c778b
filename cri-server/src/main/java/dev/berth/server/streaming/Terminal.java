package dev.berth.server.streaming;

import dev.berth.sandbox.ExecProcess;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A command running with a terminal: its input and output go through the master of the host pseudo-terminal
 * that runc relays to the command's own terminal, which this owns, and {@link #resize} sets the window size
 * the command sees. Reads and writes of the master block in native
 * code, so they belong on platform threads. Thread-safe in the way of {@link ExecProcess}.
 */
final class Terminal implements ExecProcess {

    private final ExecProcess process;
    private final FileDescriptor master;
    private final InputStream output = new Output();
    private final OutputStream input = new Input();

    Terminal(ExecProcess process, FileDescriptor master) {
        this.process = process;
        this.master = master;
    }

    /** Sets the terminal's size in characters; the command gets SIGWINCH. */
    @Override
    public void resize(int width, int height) throws IOException {
        Pty.resize(master, width, height);
    }

    @Override
    public OutputStream stdin() {
        return input;
    }

    @Override
    public InputStream stdout() {
        return output;
    }

    /** A terminal merges both output streams. */
    @Override
    public InputStream stderr() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
        // A descriptor number is reused once closed: no write may be under way or follow.
        synchronized (input) {
            try {
                master.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private final class Output extends InputStream {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(32 * 1024);

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!master.isOpen()) {
                return -1;
            }
            try {
                int n = master.read(buffer, 0, Math.min(len, buffer.capacity()));
                if (n <= 0) {
                    return -1;
                }
                buffer.get(0, b, off, n);
                return n;
            } catch (IOException e) {
                // EIO: every holder of the terminal's other side has closed it
                return -1;
            }
        }
    }

    private final class Input extends OutputStream {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(32 * 1024);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (!master.isOpen()) {
                throw new IOException("the terminal is closed");
            }
            while (len > 0) {
                int chunk = Math.min(len, buffer.capacity());
                buffer.clear();
                buffer.put(b, off, chunk);
                int written = 0;
                while (written < chunk) {
                    written += master.write(buffer, written, chunk);
                }
                off += chunk;
                len -= chunk;
            }
        }

        /** The end of the client's input does not end the terminal: the command decides when to exit. */
        @Override
        public void close() {
        }
    }
}

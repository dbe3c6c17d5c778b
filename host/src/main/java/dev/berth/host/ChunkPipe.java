package dev.berth.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;

/**
 * Chunks handed over by one thread (an event loop, a socket reader) and read as a blocking stream by another:
 * the writer {@link #offer}s chunks and finally {@link #end}s it. Thread-safe for one writer and one reader.
 * A pipe may report the bytes its reader took, so that a transport can give the sender more credit.
 */
public final class ChunkPipe extends InputStream {

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final IntConsumer consumed;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    public ChunkPipe() {
        this(n -> { });
    }

    /** A pipe that tells {@code consumed} how many bytes each read took. */
    public ChunkPipe(IntConsumer consumed) {
        this.consumed = consumed;
    }

    /** Queues {@code chunk} (not copied: the writer must not change it afterwards). */
    public void offer(byte[] chunk) {
        if (chunk.length > 0) {
            chunks.add(chunk);
        }
    }

    /** No more data will come; the reader gets end of stream once the chunks before are read. */
    public void end() {
        chunks.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
            position = 0;
            if (current == END) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        consumed.accept(n);
        return n;
    }
}

package dev.berth.server.streaming;

import dev.berth.host.ChunkPipe;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * One stream the client opened on a SPDY connection: its headers (names in lower case), what the client sent
 * on it, and a way to send data back and half-close it. What the client sends is reported as consumed once
 * read (or at once, for a stream nobody reads), so that the connection grants the client more window; what is
 * sent back waits for the client's window. Thread-safe: writes may come from any thread.
 */
final class SpdyStream implements SessionStream {

    private final int id;
    private final Map<String, String> headers;
    private final Channel channel;
    private final SpdyFlowControl flow;
    private final IntConsumer consumed;
    /** The client's data; what the session reads of it is reported as consumed. */
    private final ChunkPipe pipe;
    private final AtomicBoolean writeClosed = new AtomicBoolean();
    private final AtomicBoolean inputEnded = new AtomicBoolean();
    private final OutputStream out = new Output();
    private volatile boolean discarding;

    /** {@code consumed} is told how many bytes of the client's data the session read. */
    SpdyStream(int id, Map<String, String> headers, Channel channel, SpdyFlowControl flow, IntConsumer consumed) {
        this.id = id;
        this.headers = Map.copyOf(headers);
        this.channel = channel;
        this.flow = flow;
        this.consumed = consumed;
        this.pipe = new ChunkPipe(consumed);
    }

    int id() {
        return id;
    }

    /** The header's value, or "" when the client did not send it. */
    String header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    String type() {
        return header(SpdyConnection.STREAM_TYPE);
    }

    @Override
    public InputStream in() {
        return pipe;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    /** Data the client sent on the stream; called on the event loop. */
    void receive(byte[] data) {
        if (discarding || inputEnded.get()) {
            consumed.accept(data.length);
        } else {
            pipe.offer(data);
        }
    }

    /** The client half-closed the stream, or it is gone; idempotent. */
    void endInput() {
        if (inputEnded.compareAndSet(false, true)) {
            pipe.end();
        }
    }

    /** Nobody will read the stream: what the client sends on it is dropped as it comes. */
    void discard() {
        discarding = true;
    }

    /** Half-closes the stream from this side (an empty data frame with FIN); idempotent. */
    @Override
    public void closeWrite() {
        if (writeClosed.compareAndSet(false, true) && channel.isActive()) {
            channel.writeAndFlush(new DefaultSpdyDataFrame(id).setLast(true));
        }
    }

    /** Marks the stream closed for writing without telling the client (it reset the stream). */
    void abortWrite() {
        writeClosed.set(true);
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (writeClosed.get() || !channel.isActive()) {
                    throw new IOException("stream " + id + " is closed");
                }
                int n = flow.acquire(id, len);
                ChannelFuture written = channel.writeAndFlush(
                        new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(b, off, n)));
                off += n;
                len -= n;
                // besides the client's window, the socket's writability
                SessionStream.awaitIfUnwritable(channel, written, "stream " + id);
            }
        }

        @Override
        public void close() {
            closeWrite();
        }
    }
}

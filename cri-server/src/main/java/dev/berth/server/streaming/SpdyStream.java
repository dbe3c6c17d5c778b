package dev.berth.server.streaming;

import dev.berth.host.ChunkPipe;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream the client opened on a SPDY connection: its headers (names in lower case), what the client sent
 * on it, and a way to send data back and half-close it. Thread-safe: writes may come from any thread.
 */
final class SpdyStream {

    private final int id;
    private final Map<String, String> headers;
    private final Channel channel;
    private final ChunkPipe in = new ChunkPipe();
    private final AtomicBoolean writeClosed = new AtomicBoolean();
    private final OutputStream out = new Output();

    SpdyStream(int id, Map<String, String> headers, Channel channel) {
        this.id = id;
        this.headers = Map.copyOf(headers);
        this.channel = channel;
    }

    int id() {
        return id;
    }

    /** The header's value, or "" when the client did not send it. */
    String header(String name) {
        return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "");
    }

    String type() {
        return header(SpdyConnection.STREAM_TYPE);
    }

    /** What the client sends; ends when it half-closes the stream or the connection goes. */
    InputStream in() {
        return in;
    }

    ChunkPipe pipe() {
        return in;
    }

    /** Sends data to the client; closing it half-closes the stream from this side. */
    OutputStream out() {
        return out;
    }

    /** Half-closes the stream from this side (an empty data frame with FIN); idempotent. */
    void closeWrite() {
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
            if (writeClosed.get() || !channel.isActive()) {
                throw new IOException("stream " + id + " is closed");
            }
            if (len == 0) {
                return;
            }
            ChannelFuture written = channel.writeAndFlush(
                    new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(b, off, len)));
            // Without a flow-control window from the client, the socket's writability is the back-pressure.
            if (!channel.isWritable()) {
                try {
                    written.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
                if (!written.isSuccess()) {
                    throw new IOException("stream " + id + ": write failed", written.cause());
                }
            }
        }

        @Override
        public void close() {
            closeWrite();
        }
    }
}

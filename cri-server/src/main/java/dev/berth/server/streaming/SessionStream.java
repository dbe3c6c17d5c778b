package dev.berth.server.streaming;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * One stream of a streaming session, whatever carries it (a SPDY stream, a channel of a WebSocket): what the
 * client sends on it, and a way to send data back and to half-close it. Thread-safe: the input is read by one
 * thread, writes may come from any.
 */
interface SessionStream {

    /** What the client sends; ends when the client closes the stream or the connection goes. */
    InputStream in();

    /** Sends data to the client; closing it half-closes the stream from this side. */
    OutputStream out();

    /** Half-closes the stream from this side where the transport can say so; idempotent. */
    void closeWrite();

    /**
     * The back-pressure of a writer on {@code channel}: once the socket's buffer is full, waits until
     * {@code written} is sent, so a writer faster than the client does not queue without end.
     *
     * @param what names the stream in the error, e.g. {@code "stream 3"}
     */
    static void awaitIfUnwritable(Channel channel, ChannelFuture written, String what) throws IOException {
        if (channel.isWritable()) {
            return;
        }
        try {
            written.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        if (!written.isSuccess()) {
            throw new IOException(what + ": write failed", written.cause());
        }
    }
}

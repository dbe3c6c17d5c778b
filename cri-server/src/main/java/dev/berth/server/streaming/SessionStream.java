package dev.berth.server.streaming;

import java.io.InputStream;
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
}

package dev.berth.server.streaming;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds how much of a client's data one connection holds before the session consumes it: above
 * {@link #HIGH} bytes the socket is no longer read, and once the session has consumed down to {@link #LOW} it
 * is read again. A client that ignores SPDY flow control (Go's spdystream, which kubectl and kubelet use) or
 * that speaks WebSocket, which has none, is so slowed by TCP instead of being buffered without limit.
 * Thread-safe: data is received on the event loop and consumed on the session's threads.
 */
final class InboundBudget {

    static final int HIGH = 1 << 20;
    static final int LOW = 256 * 1024;

    private final Channel channel;
    private final AtomicLong held = new AtomicLong();
    private volatile boolean unlimited;

    InboundBudget(Channel channel) {
        this.channel = channel;
    }

    /** {@code n} bytes arrived and are held; called on the event loop. */
    void received(int n) {
        if (held.addAndGet(n) > HIGH && !unlimited) {
            channel.config().setAutoRead(false);
        }
    }

    /** The session consumed (or dropped) {@code n} held bytes; called from any thread. */
    void consumed(int n) {
        if (held.addAndGet(-n) <= LOW && !channel.config().isAutoRead() && channel.isActive()) {
            GracefulClose.run(channel, this::resume);
        }
    }

    /** Reads the socket again for good: the connection is ending and must see the client's close. */
    void lift() {
        unlimited = true;
        if (channel.isActive()) {
            GracefulClose.run(channel, () -> channel.config().setAutoRead(true));
        }
    }

    private void resume() {
        if (unlimited || held.get() <= LOW) {
            channel.config().setAutoRead(true);
        }
    }

    long held() {
        return held.get();
    }
}

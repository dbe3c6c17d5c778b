package dev.berth.server.streaming;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Ends a streaming connection without a TCP reset: once everything queued is sent it half-closes (FIN), then
 * keeps reading what the client still sends until the client closes its side or {@link #DRAIN} passes, and only
 * then closes. A socket closed with unread data in its receive buffer, or reached by data after it closed,
 * answers with a reset, which kubelet's proxy and kubectl report as "connection reset by peer" or "broken pipe".
 * Netty's default SO_LINGER (off) is kept: a linger of 0 would reset every connection. Stateless; idempotent per
 * channel.
 */
final class GracefulClose {

    /** How long a client may keep its side open after this side has finished. */
    static final Duration DRAIN = Duration.ofSeconds(10);
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("berth-graceful-close");

    private GracefulClose() {
    }

    /** Starts closing {@code channel} gracefully; callable from any thread, any number of times. */
    static void close(Channel channel) {
        close(channel, DRAIN);
    }

    static void close(Channel channel, Duration drain) {
        if (!channel.isActive() || channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) != null) {
            return;
        }
        run(channel, () -> {
            // The client's close must be read even while a session had stopped reading.
            channel.config().setAutoRead(true);
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, drain.toMillis(), TimeUnit.MILLISECONDS);
            ChannelHandlerContext first = channel.pipeline().firstContext();
            // An empty write from the head of the pipeline completes once everything written before it is on
            // the wire: shutting down output earlier would discard what is still queued.
            var flushed = first == null ? channel.newSucceededFuture()
                    : first.writeAndFlush(Unpooled.EMPTY_BUFFER);
            flushed.addListener(f -> {
                if (f.isSuccess() && channel instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
                    // From here on the end of the client's input (read as usual) closes the channel.
                    duplex.shutdownOutput().addListener(s -> {
                        if (!s.isSuccess()) {
                            channel.close();
                        }
                    });
                } else if (!f.isSuccess()) {
                    channel.close();
                }
            });
        });
    }

    /**
     * Runs {@code task} on the channel's event loop, unless the server is shutting down, which closes every
     * channel anyway.
     */
    static void run(Channel channel, Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException stopping) {
            // the event loop is terminating and takes its channels with it
        }
    }

    /** Whether {@link #close} was called on {@code channel}. */
    static boolean closing(Channel channel) {
        return channel.attr(CLOSING).get() != null;
    }
}

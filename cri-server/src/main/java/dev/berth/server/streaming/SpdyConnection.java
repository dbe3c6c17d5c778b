package dev.berth.server.streaming;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a SPDY/3.1 connection after the HTTP upgrade: accepts the streams the client opens
 * (answering each with a SYN_REPLY, as the Kubernetes clients wait for one), routes their data, answers
 * pings, and hands each new stream to a {@link Session}. No flow control is enforced: the Kubernetes
 * clients do not use it. Frames are handled on the channel's event loop; the session runs elsewhere.
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);
    static final String STREAM_TYPE = "streamtype";

    /** What runs the streams of one connection: exec, attach or port forwarding. */
    interface Session {
        /** A stream the client opened; called on the event loop, so it must not block. */
        void streamOpened(SpdyStream stream);

        /** The connection is gone; called once, on the event loop. */
        void connectionClosed();
    }

    private final Session session;
    private final Map<Integer, SpdyStream> streams = new HashMap<>();

    SpdyConnection(Session session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SpdySynStreamFrame syn -> open(ctx, syn);
                case SpdyDataFrame data -> {
                    SpdyStream stream = streams.get(data.streamId());
                    if (stream == null) {
                        ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(data.streamId(),
                                SpdyStreamStatus.INVALID_STREAM));
                        return;
                    }
                    byte[] bytes = new byte[data.content().readableBytes()];
                    data.content().readBytes(bytes);
                    stream.pipe().offer(bytes);
                    if (data.isLast()) {
                        stream.pipe().end();
                    }
                }
                case SpdyRstStreamFrame rst -> {
                    SpdyStream stream = streams.remove(rst.streamId());
                    if (stream != null) {
                        stream.abortWrite();
                        stream.pipe().end();
                    }
                }
                // Client pings have odd ids and are echoed; this side sends none.
                case SpdyPingFrame ping when (ping.id() & 1) == 1 ->
                        ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
                case SpdyGoAwayFrame goAway -> ctx.close();
                default -> {
                    // settings, window updates and headers frames need no answer here
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void open(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        if (syn.isInvalid() || (syn.streamId() & 1) == 0 || streams.containsKey(syn.streamId())) {
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.PROTOCOL_ERROR));
            return;
        }
        Map<String, String> headers = new HashMap<>();
        syn.headers().iteratorAsString().forEachRemaining(
                h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        SpdyStream stream = new SpdyStream(syn.streamId(), headers, ctx.channel());
        streams.put(syn.streamId(), stream);
        // Netty leaves out the header block of a reply without headers, which Go's SPDY framer (used by
        // kubectl, crictl and kubelet) cannot parse: it then never sees the reply. One header keeps the block.
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
        reply.headers().set(STREAM_TYPE, stream.type());
        ctx.writeAndFlush(reply);
        if (syn.isLast()) {
            stream.pipe().end();
        }
        session.streamOpened(stream);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        streams.values().forEach(s -> {
            s.abortWrite();
            s.pipe().end();
        });
        streams.clear();
        session.connectionClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("streaming connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /**
     * Says goodbye to the client once everything written before is sent (streams up to
     * {@code lastStreamId} were handled), then closes the connection.
     */
    static void finish(io.netty.channel.Channel channel, int lastStreamId) {
        if (channel.isActive()) {
            channel.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

package dev.berth.server.streaming;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySettingsFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyWindowUpdateFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a SPDY/3.1 connection after the HTTP upgrade: accepts the streams the client opens
 * (answering each with a SYN_REPLY, as the Kubernetes clients wait for one), routes their data, answers
 * pings, keeps the flow-control windows of both directions ({@link SpdyFlowControl}), and hands each new
 * stream to a {@link Session}. Frames are handled on the channel's event loop; the session runs elsewhere.
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);
    static final String STREAM_TYPE = "streamtype";
    /** The id of this side's flow-control probe; pings from a server have even ids. */
    private static final int PROBE_PING = 2;

    /** What runs the streams of one connection: exec, attach or port forwarding. */
    interface Session {
        /** A stream the client opened; called on the event loop, so it must not block. */
        void streamOpened(SpdyStream stream);

        /** The connection is gone; called once, on the event loop. */
        void connectionClosed();
    }

    private final Session session;
    private final Map<Integer, SpdyStream> streams = new HashMap<>();
    private SpdyFlowControl flow;
    private InboundBudget budget;
    private Channel channel;

    SpdyConnection(Session session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        budget = new InboundBudget(channel);
        flow = new SpdyFlowControl(() -> channel.writeAndFlush(new DefaultSpdyPingFrame(PROBE_PING)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SpdySynStreamFrame syn -> open(ctx, syn);
                case SpdyDataFrame data -> receive(ctx, data);
                case SpdyRstStreamFrame rst -> {
                    SpdyStream stream = streams.remove(rst.streamId());
                    if (stream != null) {
                        stream.abortWrite();
                        stream.endInput();
                        flow.remove(rst.streamId());
                    }
                }
                case SpdyWindowUpdateFrame update -> flow.windowUpdate(update.streamId(), update.deltaWindowSize());
                case SpdySettingsFrame settings -> {
                    int window = settings.getValue(SpdySettingsFrame.SETTINGS_INITIAL_WINDOW_SIZE);
                    if (window >= 0) {
                        flow.initialWindow(window);
                    }
                }
                // Client pings have odd ids and are echoed; an even one answers this side's probe.
                case SpdyPingFrame ping when (ping.id() & 1) == 1 -> {
                    if (!GracefulClose.closing(ctx.channel())) {
                        ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
                    }
                }
                case SpdyPingFrame ping -> flow.probeAnswered();
                // The client opens no more streams and is about to close: so does this side.
                case SpdyGoAwayFrame goAway -> close(ctx.channel());
                default -> {
                    // headers frames need no answer here
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void receive(ChannelHandlerContext ctx, SpdyDataFrame data) {
        int length = data.content().readableBytes();
        int sessionGrant = flow.received(length);
        if (sessionGrant > 0 && !GracefulClose.closing(ctx.channel())) {
            ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(0, sessionGrant));
        }
        SpdyStream stream = streams.get(data.streamId());
        if (stream == null) {
            if (!GracefulClose.closing(ctx.channel())) {
                ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(data.streamId(), SpdyStreamStatus.INVALID_STREAM));
            }
            return;
        }
        byte[] bytes = new byte[length];
        data.content().readBytes(bytes);
        budget.received(length);
        stream.receive(bytes);
        if (data.isLast()) {
            stream.endInput();
        }
    }

    /** The session read {@code n} bytes the client sent on {@code streamId}: grant them back in time. */
    private void consumed(int streamId, int n) {
        budget.consumed(n);
        int grant = flow.consumed(streamId, n);
        if (grant > 0 && channel.isActive() && !GracefulClose.closing(channel)) {
            channel.writeAndFlush(new DefaultSpdyWindowUpdateFrame(streamId, grant));
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
        int id = syn.streamId();
        SpdyStream stream = new SpdyStream(id, headers, ctx.channel(), flow, n -> consumed(id, n));
        streams.put(id, stream);
        flow.open(id);
        // Netty leaves out the header block of a reply without headers, which Go's SPDY framer (used by
        // kubectl, crictl and kubelet) cannot parse: it then never sees the reply. One header keeps the block.
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
        reply.headers().set(STREAM_TYPE, stream.type());
        ctx.writeAndFlush(reply);
        if (syn.isLast()) {
            stream.endInput();
        }
        session.streamOpened(stream);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flow.close();
        streams.values().forEach(s -> {
            s.abortWrite();
            s.endInput();
        });
        streams.clear();
        session.connectionClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("streaming connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        close(ctx.channel());
    }

    private void close(Channel channel) {
        budget.lift();
        GracefulClose.close(channel);
    }

    /**
     * Says goodbye to the client once everything written before is sent (streams up to
     * {@code lastStreamId} were handled), then closes the connection gracefully.
     */
    static void finish(Channel channel, int lastStreamId) {
        if (channel.isActive()) {
            channel.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId));
            SpdyConnection connection = channel.pipeline().get(SpdyConnection.class);
            if (connection != null) {
                connection.close(channel);
            } else {
                GracefulClose.close(channel);
            }
        }
    }
}

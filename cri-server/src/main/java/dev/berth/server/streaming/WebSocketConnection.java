package dev.berth.server.streaming;

import dev.berth.host.ChunkPipe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a WebSocket connection after the handshake, for Kubernetes' channel protocols: a fixed
 * set of numbered channels, each readable (the client sends on it), writable (this side does) or both, as the
 * session's request calls for; messages are framed by the {@link ChannelCodec} of the negotiated protocol.
 * Data for a channel that is not readable, or that does not exist, is dropped, as kubelet does. It answers
 * pings, and ends with the close handshake followed by a {@link GracefulClose}: when the session finishes it
 * sends its close and waits for the client's; a client's close ends the session. Frames are handled on the
 * event loop; the session runs elsewhere.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);
    /** How long the client has to answer this side's close before the connection is closed regardless. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** What one connection serves: exec, attach or port forwarding over its channels. */
    interface Session {
        /** How the connection's channels may be used, by number. */
        List<Access> channels();

        /** The connection is ready; called once, on the event loop, so it must not block. */
        void start(WebSocketConnection connection);

        /** The connection is gone or the client closed it; called once, on the event loop. */
        void connectionClosed();
    }

    /** How a channel may be used. */
    record Access(boolean read, boolean write) {
        static final Access NONE = new Access(false, false);
        static final Access READ = new Access(true, false);
        static final Access WRITE = new Access(false, true);
        static final Access BOTH = new Access(true, true);
    }

    private final ChannelCodec codec;
    private final boolean streamClose;
    private final List<Access> access;
    private final Session session;
    private final List<WebSocketChannel> channels = new ArrayList<>();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private Channel channel;
    private InboundBudget budget;
    private boolean closeReceived;
    private boolean sessionEnded;

    /** {@code protocol} is the negotiated subprotocol: it gives the framing and whether channels can close. */
    WebSocketConnection(String protocol, Session session) {
        this.codec = ChannelCodec.of(protocol);
        this.streamClose = protocol.equals(Protocols.WS_V5);
        this.access = List.copyOf(session.channels());
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        budget = new InboundBudget(channel);
        for (int i = 0; i < access.size(); i++) {
            channels.add(new WebSocketChannel(i, access.get(i)));
        }
        session.start(this);
    }

    /** Channel {@code number}, which the constructor's {@code access} defined. */
    SessionStream channel(int number) {
        return channels.get(number);
    }

    /**
     * Sends {@code data} on channel {@code number} as one message, even an empty one (kubelet announces a ready
     * connection with an empty message on the first writable channel); from any thread.
     */
    void send(int number, byte[] data) throws IOException {
        channels.get(number).send(data, 0, data.length);
    }

    /** The session is done: closes the connection with the close handshake; from any thread, idempotent. */
    void finish() {
        if (!channel.isActive() || !closeSent.compareAndSet(false, true)) {
            return;
        }
        budget.lift();
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        GracefulClose.run(channel, () -> {
            if (closeReceived) {
                GracefulClose.close(channel);
            } else {
                channel.eventLoop().schedule(() -> GracefulClose.close(channel), CLOSE_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case BinaryWebSocketFrame frame -> message(frame);
                case TextWebSocketFrame frame -> message(frame);
                case PingWebSocketFrame ping -> {
                    if (!closeSent.get()) {
                        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                    }
                }
                case CloseWebSocketFrame close -> closed(ctx, close);
                default -> {
                    // pongs and continuation frames (the aggregator joins those) need nothing
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void message(WebSocketFrame frame) {
        if (closeReceived || closeSent.get()) {
            return;
        }
        ByteBuf content = frame.content();
        ChannelCodec.Inbound inbound = codec.decode(ByteBufUtil.getBytes(content), streamClose);
        switch (inbound) {
            case null -> {
            }
            case ChannelCodec.Data data when data.channel() >= 0 && data.channel() < channels.size() ->
                    channels.get(data.channel()).receive(data.data());
            case ChannelCodec.Data data ->
                    LOG.debug("websocket client sent data for channel {}, which does not exist", data.channel());
            case ChannelCodec.Close close when close.channel() < channels.size() ->
                    channels.get(close.channel()).endInput();
            case ChannelCodec.Close close -> {
                LOG.debug("websocket client closed channel {}, which does not exist", close.channel());
                finish();
            }
            case ChannelCodec.Malformed malformed -> {
                LOG.debug("websocket client sent a malformed message: {}", malformed.reason());
                if (malformed.fatal()) {
                    finish();
                }
            }
        }
    }

    /** The client closes: the session ends, the close is answered, and the connection closes gracefully. */
    private void closed(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        closeReceived = true;
        endSession();
        if (closeSent.compareAndSet(false, true)) {
            int status = close.statusCode();
            ctx.writeAndFlush(status > 0 ? new CloseWebSocketFrame(status, "")
                    : new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        }
        budget.lift();
        GracefulClose.close(ctx.channel());
    }

    private void endSession() {
        channels.forEach(WebSocketChannel::endInput);
        if (!sessionEnded) {
            sessionEnded = true;
            session.connectionClosed();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endSession();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("websocket connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        budget.lift();
        GracefulClose.close(ctx.channel());
    }

    /** One numbered channel of the connection. Thread-safe: writes may come from any thread. */
    private final class WebSocketChannel implements SessionStream {
        private final int number;
        private final Access access;
        private final ChunkPipe pipe = new ChunkPipe(n -> budget.consumed(n));
        private final AtomicBoolean inputEnded = new AtomicBoolean();
        private final InputStream in = pipe;
        private final OutputStream out = new Output();
        private volatile boolean writeClosed;

        WebSocketChannel(int number, Access access) {
            this.number = number;
            this.access = access;
            if (!access.read()) {
                endInput();
            }
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() {
            return out;
        }

        /** The channel protocols cannot half-close a channel from the server: later writes are refused. */
        @Override
        public void closeWrite() {
            writeClosed = true;
        }

        void receive(byte[] data) {
            if (!access.read() || inputEnded.get()) {
                return;
            }
            budget.received(data.length);
            pipe.offer(data);
        }

        void endInput() {
            if (inputEnded.compareAndSet(false, true)) {
                pipe.end();
            }
        }

        void send(byte[] b, int off, int len) throws IOException {
            if (!access.write()) {
                // kubelet accepts and drops writes to a channel the client did not ask for
                return;
            }
            if (writeClosed || closeSent.get() || !channel.isActive()) {
                throw new IOException("channel " + number + " is closed");
            }
            byte[] message = codec.encode(number, b, off, len);
            ChannelFuture written = channel.writeAndFlush(codec.text()
                    ? new TextWebSocketFrame(Unpooled.wrappedBuffer(message))
                    : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)));
            // WebSocket has no window of its own: the socket's writability is all the back-pressure
            SessionStream.awaitIfUnwritable(channel, written, "channel " + number);
        }

        private final class Output extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    send(b, off, len);
                }
            }

            @Override
            public void close() {
                closeWrite();
            }
        }
    }
}

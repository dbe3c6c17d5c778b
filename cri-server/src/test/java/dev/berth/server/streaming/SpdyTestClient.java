package dev.berth.server.streaming;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.codec.spdy.SpdyWindowUpdateFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small blocking SPDY/3.1 client of the streaming server for tests, doing what kubectl's and crictl's
 * remote-command client does: an HTTP upgrade with protocol negotiation, then streams opened with a
 * {@code streamtype} header. Like Go's spdystream it ignores flow control, unless connected
 * {@link #connectWithFlowControl with flow control}: then it sends no more than the server granted, grants
 * the server window as it receives (as Netty's SPDY session handler does), and counts every frame the server
 * sent beyond its window. It tells whether the connection ended with an orderly end of stream or a reset.
 * Not thread-safe, except that streams collect data on the event loop.
 */
public final class SpdyTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** SPDY/3.1's initial window of a stream and of the session. */
    private static final int WINDOW = 64 * 1024;
    private static final int FRAME = 16 * 1024;

    /** The answer to the upgrade request: 101 with the negotiated protocol, or an error with its body. */
    public record Upgrade(int status, String protocol, List<String> accepted, String body) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final CompletableFuture<Integer> pong = new CompletableFuture<>();
    private final Object windows = new Object();
    private boolean flowControl;
    private long sessionSendWindow = WINDOW;
    private long sessionReceiveWindow = WINDOW;
    private int windowViolations;
    private int grantsReceived;
    private boolean holdingGrants;
    private int serverPings;
    private final List<Integer> heldPings = new java.util.ArrayList<>();
    private volatile Throwable failure;
    private Channel channel;
    private Upgrade upgrade;

    /** Connects to {@code url} and asks to upgrade, offering {@code protocols} in order. */
    public static SpdyTestClient connect(String url, List<String> protocols) throws Exception {
        return connect(url, protocols, "SPDY/3.1");
    }

    public static SpdyTestClient connect(String url, List<String> protocols, String upgradeTo) throws Exception {
        SpdyTestClient client = new SpdyTestClient();
        client.start(URI.create(url), protocols, upgradeTo);
        return client;
    }

    /** Connects as {@link #connect(String, List)}, as a client that keeps SPDY/3.1's flow-control windows. */
    public static SpdyTestClient connectWithFlowControl(String url, List<String> protocols) throws Exception {
        SpdyTestClient client = new SpdyTestClient();
        client.flowControl = true;
        client.start(URI.create(url), protocols, "SPDY/3.1");
        return client;
    }

    private void start(URI url, List<String> protocols, String upgradeTo) throws Exception {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(1 << 20))
                                .addLast("response", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        FullHttpResponse r = (FullHttpResponse) msg;
                                        if (r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                                            ctx.pipeline().addAfter("http", "spdy",
                                                    new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
                                            ctx.pipeline().addAfter("spdy", "frames", new Frames());
                                            ctx.pipeline().remove("aggregator");
                                            ctx.pipeline().remove(this);
                                            ctx.pipeline().remove("http");
                                        }
                                        response.complete(r);
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        response.completeExceptionally(new IllegalStateException("closed"));
                                        closed.complete(null);
                                    }
                                });
                    }
                })
                .connect(url.getHost(), url.getPort()).sync().channel();
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                url.getRawPath());
        request.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort())
                .set(HttpHeaderNames.CONNECTION, "Upgrade")
                .set(HttpHeaderNames.UPGRADE, upgradeTo)
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        protocols.forEach(p -> request.headers().add("X-Stream-Protocol-Version", p));
        channel.writeAndFlush(request).sync();
        FullHttpResponse r = response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        upgrade = new Upgrade(r.status().code(), r.headers().get("X-Stream-Protocol-Version", ""),
                r.headers().getAll("X-Accepted-Stream-Protocol-Versions"),
                r.content().toString(StandardCharsets.UTF_8));
        r.release();
    }

    public Upgrade upgrade() {
        return upgrade;
    }

    /** Opens a stream with these headers (names in lower case) and waits for the server's reply. */
    public Stream open(Map<String, String> headers) throws Exception {
        int id = nextId.getAndAdd(2);
        Stream stream = new Stream(id);
        streams.put(id, stream);
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        headers.forEach((k, v) -> syn.headers().set(k, v));
        channel.writeAndFlush(syn).sync();
        stream.replied.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return stream;
    }

    public Stream open(String type) throws Exception {
        return open(Map.of("streamtype", type));
    }

    /** Sends a ping and returns the id the server echoed. */
    public int ping() throws Exception {
        channel.writeAndFlush(new DefaultSpdyPingFrame(7)).sync();
        return pong.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits until the server closes the connection. */
    public void awaitClosed() throws Exception {
        closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** The error the connection ended with (a reset shows as "Connection reset by peer"), or null. */
    public Throwable failure() {
        return failure;
    }

    /** How many data frames the server sent beyond the window this client had granted. */
    public int windowViolations() {
        synchronized (windows) {
            return windowViolations;
        }
    }

    /** How many WINDOW_UPDATE frames the server sent. */
    public int grantsReceived() {
        synchronized (windows) {
            return grantsReceived;
        }
    }

    /** Takes up to {@code wanted} bytes of the stream's and the session's send windows, waiting for a grant. */
    private int acquire(Stream stream, int wanted) throws InterruptedException {
        synchronized (windows) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (Math.min(stream.sendWindow, sessionSendWindow) <= 0) {
                if (System.nanoTime() > deadline || !channel.isActive()) {
                    throw new IllegalStateException("the server granted no window for stream " + stream.id);
                }
                windows.wait(100);
            }
            int n = (int) Math.min(wanted, Math.min(stream.sendWindow, sessionSendWindow));
            stream.sendWindow -= n;
            sessionSendWindow -= n;
            return n;
        }
    }

    /** Counts {@code n} received bytes against the windows this client granted, granting more at half. */
    private void received(ChannelHandlerContext ctx, Stream stream, int n) {
        synchronized (windows) {
            stream.receiveWindow -= n;
            sessionReceiveWindow -= n;
            if (stream.receiveWindow < 0 || sessionReceiveWindow < 0) {
                windowViolations++;
            }
            if (!holdingGrants) {
                grant(ctx, stream, WINDOW / 2);
            }
        }
    }

    /** Grants the server its windows back once no more than {@code remaining} bytes are left of them. */
    private void grant(ChannelHandlerContext ctx, Stream stream, int remaining) {
        if (stream.receiveWindow <= remaining) {
            ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(stream.id, (int) (WINDOW - stream.receiveWindow)));
            stream.receiveWindow = WINDOW;
        }
        if (sessionReceiveWindow <= remaining) {
            ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(0, (int) (WINDOW - sessionReceiveWindow)));
            sessionReceiveWindow = WINDOW;
        }
    }

    /**
     * Grants the server nothing more until {@link #releaseGrants()}, and answers its pings only then: a client
     * whose reader has stopped, which a server keeping the windows must wait for.
     */
    public void holdGrants() {
        synchronized (windows) {
            holdingGrants = true;
        }
    }

    /** Grants the server everything received so far, then answers the pings held back. */
    public void releaseGrants() throws Exception {
        channel.eventLoop().submit(() -> {
            synchronized (windows) {
                holdingGrants = false;
                ChannelHandlerContext ctx = channel.pipeline().context(Frames.class);
                streams.values().forEach(s -> grant(ctx, s, WINDOW - 1));
                heldPings.forEach(id -> ctx.writeAndFlush(new DefaultSpdyPingFrame(id)));
                heldPings.clear();
            }
        }).sync();
    }

    /** How many pings the server sent (it probes a client that has granted nothing when its window is used up). */
    public int serverPings() {
        synchronized (windows) {
            return serverPings;
        }
    }

    private void serverPing(ChannelHandlerContext ctx, int id) {
        synchronized (windows) {
            serverPings++;
            if (holdingGrants) {
                heldPings.add(id);
            } else {
                ctx.writeAndFlush(new DefaultSpdyPingFrame(id));
            }
            windows.notifyAll();
        }
    }

    private void granted(int streamId, int delta) {
        synchronized (windows) {
            grantsReceived++;
            if (streamId == 0) {
                sessionSendWindow += delta;
            } else {
                Stream s = streams.get(streamId);
                if (s != null) {
                    s.sendWindow += delta;
                }
            }
            windows.notifyAll();
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One stream of the client: what the server sent on it, complete once the server half-closed it. */
    public final class Stream {
        private final int id;
        private final CompletableFuture<Void> replied = new CompletableFuture<>();
        private final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile int replyHeaders;
        private long sendWindow = WINDOW;
        private long receiveWindow = WINDOW;

        private Stream(int id) {
            this.id = id;
        }

        /** What the server sent on this stream so far. */
        public synchronized String receivedSoFar() {
            return received.toString(StandardCharsets.UTF_8);
        }

        /** How many headers the server's SYN_REPLY carried. */
        public int replyHeaders() {
            return replyHeaders;
        }

        public void write(String text) throws Exception {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends {@code data} in frames of at most 16 KiB, within the server's windows when keeping them. */
        public void write(byte[] data) throws Exception {
            int off = 0;
            while (off < data.length) {
                int n = Math.min(FRAME, data.length - off);
                if (flowControl) {
                    n = acquire(this, n);
                }
                channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(data, off, n))).sync();
                off += n;
            }
        }

        /** What the server sent on this stream so far, as bytes. */
        public synchronized byte[] receivedBytes() {
            return received.toByteArray();
        }

        public void closeWrite() throws Exception {
            channel.writeAndFlush(new DefaultSpdyDataFrame(id).setLast(true)).sync();
        }

        /** Everything the server sent, once it half-closed the stream (or the connection). */
        public String readAll() throws Exception {
            return new String(readAllBytes(), StandardCharsets.UTF_8);
        }

        public byte[] readAllBytes() throws Exception {
            return done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        private synchronized void finish() {
            done.complete(received.toByteArray());
        }
    }

    private final class Frames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                switch (msg) {
                    case SpdySynReplyFrame reply -> {
                        Stream s = streams.get(reply.streamId());
                        s.replyHeaders = reply.headers().size();
                        s.replied.complete(null);
                    }
                    case SpdyDataFrame data -> {
                        Stream s = streams.get(data.streamId());
                        int length = data.content().readableBytes();
                        if (flowControl && length > 0) {
                            received(ctx, s, length);
                        }
                        synchronized (s) {
                            data.content().readBytes(s.received, length);
                        }
                        if (data.isLast()) {
                            s.finish();
                        }
                    }
                    case SpdyRstStreamFrame rst -> {
                        Stream s = streams.get(rst.streamId());
                        s.replied.completeExceptionally(new IllegalStateException("reset: " + rst.status()));
                        s.finish();
                    }
                    // The server's own pings (even ids) are echoed, as a SPDY endpoint must.
                    case SpdyPingFrame ping when (ping.id() & 1) == 0 -> serverPing(ctx, ping.id());
                    case SpdyPingFrame ping -> pong.complete(ping.id());
                    case SpdyWindowUpdateFrame update -> granted(update.streamId(), update.deltaWindowSize());
                    case SpdyGoAwayFrame goAway -> { }
                    default -> { }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (windows) {
                windows.notifyAll();
            }
            streams.values().forEach(s -> {
                s.replied.completeExceptionally(new IllegalStateException("connection closed"));
                s.finish();
            });
            closed.complete(null);
        }
    }
}

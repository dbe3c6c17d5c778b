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
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
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
 * {@code streamtype} header. Not thread-safe, except that streams collect data on the event loop.
 */
public final class SpdyTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The answer to the upgrade request: 101 with the negotiated protocol, or an error with its body. */
    public record Upgrade(int status, String protocol, List<String> accepted, String body) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final CompletableFuture<Integer> pong = new CompletableFuture<>();
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
            channel.writeAndFlush(new DefaultSpdyDataFrame(id,
                    Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))).sync();
        }

        public void closeWrite() throws Exception {
            channel.writeAndFlush(new DefaultSpdyDataFrame(id).setLast(true)).sync();
        }

        /** Everything the server sent, once it half-closed the stream (or the connection). */
        public String readAll() throws Exception {
            return new String(done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8);
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
                        synchronized (s) {
                            data.content().readBytes(s.received, data.content().readableBytes());
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
                    case SpdyPingFrame ping -> pong.complete(ping.id());
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
        public void channelInactive(ChannelHandlerContext ctx) {
            streams.values().forEach(s -> {
                s.replied.completeExceptionally(new IllegalStateException("connection closed"));
                s.finish();
            });
            closed.complete(null);
        }
    }
}

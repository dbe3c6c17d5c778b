package dev.berth.server.streaming;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small WebSocket client of the streaming server for tests, speaking Kubernetes' channel protocols as
 * kubectl's, the Python client's or a web console's would: the handshake with the subprotocols offered, then
 * messages framed per channel (binary, or base64 text for the base64 protocols). It answers the server's
 * close, and tells whether the connection ended with an orderly end of stream or a reset. Thread-safe: frames
 * are collected on the event loop.
 */
public final class WebSocketTestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The answer to the handshake: 101 with the negotiated protocol ("" for none), or an error with its body. */
    public record Upgrade(int status, String protocol, String body) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<Integer, Received> channels = new ConcurrentHashMap<>();
    private final CompletableFuture<Upgrade> upgrade = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final List<String> malformed = new ArrayList<>();
    private volatile int closeStatus = -1;
    private volatile Throwable failure;
    private volatile boolean base64;
    private Channel channel;
    private WebSocketClientHandshaker handshaker;

    /** Connects to {@code url} (http://...) and shakes hands, offering {@code protocols} in order (none if empty). */
    public static WebSocketTestClient connect(String url, List<String> protocols) throws Exception {
        WebSocketTestClient client = new WebSocketTestClient();
        client.start(URI.create(url), protocols);
        return client;
    }

    private void start(URI url, List<String> protocols) throws Exception {
        URI ws = new URI("ws", null, url.getHost(), url.getPort(), url.getRawPath(), url.getRawQuery(), null);
        handshaker = WebSocketClientHandshakerFactory.newHandshaker(ws, WebSocketVersion.V13,
                protocols.isEmpty() ? null : String.join(",", protocols), false, new DefaultHttpHeaders(),
                64 << 20);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(1 << 20))
                                .addLast("frames", new Frames());
                    }
                })
                .connect(url.getHost(), url.getPort()).sync().channel();
        // A server that refuses the upgrade may answer and close before the request's write is reported done;
        // then the pipeline is gone and the handshake future fails although the answer came: the answer counts.
        var handshake = handshaker.handshake(channel).await();
        if (!handshake.isSuccess() && !upgrade.isDone()) {
            try {
                upgrade.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new java.io.IOException("WebSocket handshake failed", handshake.cause());
            }
        }
        upgrade.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!handshake.isSuccess() && upgrade.join().status() == 101) {
            // The handshaker adds its frame encoder when it learns that the request was written; when that came
            // after the answer was read and the HTTP codec removed, it failed and added none.
            channel.eventLoop().submit(() -> {
                if (channel.pipeline().get(WebSocketFrameEncoder.class) == null) {
                    channel.pipeline().addFirst("ws-encoder", new WebSocket13FrameEncoder(true));
                }
            }).sync();
        }
    }

    public Upgrade upgrade() {
        return upgrade.join();
    }

    /** Sends {@code data} on {@code channel}, framed for the negotiated protocol. */
    public void send(int channelNumber, byte[] data) throws Exception {
        if (base64) {
            byte[] encoded = Base64.getEncoder().encode(data);
            byte[] message = new byte[encoded.length + 1];
            message[0] = (byte) ('0' + channelNumber);
            System.arraycopy(encoded, 0, message, 1, encoded.length);
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(message))).sync();
        } else {
            byte[] message = new byte[data.length + 1];
            message[0] = (byte) channelNumber;
            System.arraycopy(data, 0, message, 1, data.length);
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message))).sync();
        }
    }

    public void send(int channelNumber, String text) throws Exception {
        send(channelNumber, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code data} on {@code channel} in messages of at most {@code chunk} bytes. */
    public void sendAll(int channelNumber, byte[] data, int chunk) throws Exception {
        for (int off = 0; off < data.length; off += chunk) {
            send(channelNumber, Arrays.copyOfRange(data, off, Math.min(data.length, off + chunk)));
        }
    }

    /** Sends a message as it is, binary or text. */
    public void sendRaw(byte[] message, boolean text) throws Exception {
        channel.writeAndFlush(text ? new TextWebSocketFrame(Unpooled.wrappedBuffer(message))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message))).sync();
    }

    /** v5: tells the server that nothing more comes on {@code channel}. */
    public void closeChannel(int channelNumber) throws Exception {
        sendRaw(new byte[] {(byte) 255, (byte) channelNumber}, false);
    }

    /** Starts the close handshake from this side. */
    public void closeConnection() throws Exception {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).sync();
    }

    /** Everything received on {@code channel} so far (the data of all its messages). */
    public byte[] received(int channelNumber) {
        return receiving(channelNumber).bytes();
    }

    public String receivedText(int channelNumber) {
        return new String(received(channelNumber), StandardCharsets.UTF_8);
    }

    /** The data of each message received on {@code channel} so far, in order. */
    public List<byte[]> messages(int channelNumber) {
        return receiving(channelNumber).messages();
    }

    /** Waits until what {@code channel} received so far satisfies {@code condition}. */
    public byte[] await(int channelNumber, Predicate<byte[]> condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            byte[] bytes = received(channelNumber);
            if (condition.test(bytes)) {
                return bytes;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("channel " + channelNumber + " received " + bytes.length
                        + " bytes, not what was awaited: " + new String(bytes, 0, Math.min(bytes.length, 200),
                        StandardCharsets.UTF_8));
            }
            synchronized (channels) {
                channels.wait(50);
            }
        }
    }

    /** Whether what {@code channel} received satisfies {@code condition} within {@code timeout}. */
    public boolean awaitFor(int channelNumber, Predicate<byte[]> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(received(channelNumber))) {
            if (System.nanoTime() > deadline || !channel.isActive()) {
                return condition.test(received(channelNumber));
            }
            synchronized (channels) {
                channels.wait(20);
            }
        }
        return true;
    }

    /** Waits until the connection is closed (by the server's end of stream or a reset). */
    public void awaitClosed() throws Exception {
        closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The status code of the server's close message, or -1 before one came. */
    public int closeStatus() {
        return closeStatus;
    }

    /** The error the connection ended with (a reset shows as "Connection reset by peer"), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Messages the client could not read. */
    public synchronized List<String> malformed() {
        return List.copyOf(malformed);
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

    private Received receiving(int channelNumber) {
        return channels.computeIfAbsent(channelNumber, n -> new Received());
    }

    /** What one channel received. */
    private static final class Received {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<byte[]> messages = new ArrayList<>();

        synchronized void add(byte[] data) {
            bytes.writeBytes(data);
            messages.add(data);
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        synchronized List<byte[]> messages() {
            return List.copyOf(messages);
        }
    }

    private final class Frames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse response) {
                    if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                        upgrade.complete(new Upgrade(response.status().code(), "",
                                response.content().toString(StandardCharsets.UTF_8)));
                        return;
                    }
                    handshaker.finishHandshake(ctx.channel(), response);
                    ctx.pipeline().addBefore("frames", "ws-aggregator", new WebSocketFrameAggregator(64 << 20));
                    String protocol = handshaker.actualSubprotocol() == null ? "" : handshaker.actualSubprotocol();
                    base64 = protocol.contains("base64.");
                    upgrade.complete(new Upgrade(101, protocol, ""));
                    return;
                }
                switch (msg) {
                    case BinaryWebSocketFrame frame -> message(ByteBufUtil.getBytes(frame.content()));
                    case TextWebSocketFrame frame -> message(ByteBufUtil.getBytes(frame.content()));
                    case PingWebSocketFrame ping ->
                            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                    case CloseWebSocketFrame close -> {
                        closeStatus = close.statusCode();
                        ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""));
                    }
                    default -> {
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void message(byte[] message) {
            if (message.length == 0) {
                return;
            }
            int number;
            byte[] data;
            if (base64) {
                number = message[0] - '0';
                try {
                    data = Base64.getDecoder().decode(Arrays.copyOfRange(message, 1, message.length));
                } catch (IllegalArgumentException e) {
                    synchronized (WebSocketTestClient.this) {
                        malformed.add(new String(message, StandardCharsets.US_ASCII));
                    }
                    return;
                }
            } else {
                number = message[0] & 0xff;
                data = Arrays.copyOfRange(message, 1, message.length);
            }
            receiving(number).add(data);
            synchronized (channels) {
                channels.notifyAll();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
            upgrade.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            upgrade.completeExceptionally(new IOException("connection closed"));
            closed.complete(null);
            synchronized (channels) {
                channels.notifyAll();
            }
        }
    }
}

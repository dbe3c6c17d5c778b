package dev.berth.server.streaming;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a streaming connection: checks the URL's token and the upgrade headers, negotiates the
 * stream protocol and turns the connection into a SPDY/3.1 one (answering 101 Switching Protocols) or a
 * WebSocket one (the WebSocket handshake), served by the session the request calls for. Errors are plain-text
 * HTTP answers, each logged at INFO with its reason: 404 for an unknown, used or expired token, 400 for a
 * request that asks for neither SPDY nor WebSocket (or a WebSocket without its key), 403 when no protocol is
 * shared, 426 for a WebSocket version other than 13. The token is redeemed only once the transport is known to
 * be served, so a client may retry with another. One per connection.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeHandler.class);
    static final String CODEC = "http-codec";
    static final String AGGREGATOR = "http-aggregator";
    static final String NAME = "upgrade";
    private static final String SPDY = "SPDY/3.1";
    private static final String WEBSOCKET = "websocket";
    /** The largest WebSocket message taken from a client; kubectl sends stdin in pieces of 32 KiB at most. */
    static final int MAX_MESSAGE = 8 << 20;
    private static final List<String> KINDS = List.of("exec", "attach", "portforward");

    /** Makes the session that serves a redeemed request over the protocol agreed for it. */
    interface Sessions {
        SpdyConnection.Session spdy(Channel channel, Pending request, String protocol);

        WebSocketConnection.Session webSocket(Channel channel, Pending request, String protocol);
    }

    private final TokenCache<Pending> tokens;
    private final Sessions sessions;

    UpgradeHandler(TokenCache<Pending> tokens, Sessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> path = List.of(uri.path().split("/"));
        String kind = path.size() > 1 && KINDS.contains(path.get(1)) ? path.get(1) : "unknown";
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.POST)) {
            refuse(ctx, kind, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", List.of());
            return;
        }
        if (path.size() != 3 || !path.get(0).isEmpty() || kind.equals("unknown")) {
            refuse(ctx, kind, HttpResponseStatus.NOT_FOUND, "not found", List.of());
            return;
        }
        String connection = request.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT);
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
        boolean spdy = connection.contains("upgrade") && upgrade.contains(SPDY.toLowerCase(Locale.ROOT));
        boolean webSocket = connection.contains("upgrade") && upgrade.strip().equals(WEBSOCKET);
        // Checked before the token is redeemed, so a client may retry with another transport.
        if (!spdy && !webSocket) {
            refuse(ctx, kind, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: the request must ask for "
                    + "Upgrade: " + SPDY + " or " + WEBSOCKET + " (it asked for \"" + upgrade + "\")", List.of());
            return;
        }
        if (webSocket) {
            // RFC 6455's version, the only one kubelet's WebSocket server speaks.
            String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "");
            if (!version.equals("13")) {
                LOG.info("refused a {} streaming connection from {}: 426 unsupported WebSocket version \"{}\"",
                        kind, ctx.channel().remoteAddress(), version);
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                        .addListener(f -> GracefulClose.close(ctx.channel()));
                return;
            }
            if (!request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
                refuse(ctx, kind, HttpResponseStatus.BAD_REQUEST,
                        "unable to upgrade: Sec-WebSocket-Key is required", List.of());
                return;
            }
        }
        Optional<Pending> redeemed = tokens.take(path.get(2)).filter(p -> p.kind().equals(kind));
        if (redeemed.isEmpty()) {
            refuse(ctx, kind, HttpResponseStatus.NOT_FOUND, "unknown or expired token", List.of());
            return;
        }
        if (spdy) {
            upgradeToSpdy(ctx, request, kind, redeemed.get());
        } else {
            upgradeToWebSocket(ctx, request, uri, kind, redeemed.get());
        }
    }

    private void upgradeToSpdy(ChannelHandlerContext ctx, FullHttpRequest request, String kind, Pending pending) {
        List<String> offered = request.headers().getAll(Protocols.HEADER);
        List<String> supported = pending instanceof Pending.PortForward
                ? Protocols.PORT_FORWARD : Protocols.REMOTE_COMMAND;
        if (offered.isEmpty()) {
            refuse(ctx, kind, HttpResponseStatus.BAD_REQUEST,
                    "unable to upgrade: " + Protocols.HEADER + " is required", List.of());
            return;
        }
        Optional<String> protocol = Protocols.negotiate(offered, supported);
        if (protocol.isEmpty()) {
            refuse(ctx, kind, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: "
                    + "client supports " + Protocols.split(offered) + ", server accepts " + supported, supported);
            return;
        }
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, SPDY)
                .set(Protocols.HEADER, protocol.get());
        // The response is encoded by the HTTP codec before this call returns; only then may the codec go.
        ctx.writeAndFlush(switching);
        var pipeline = ctx.pipeline();
        pipeline.addAfter(CODEC, "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        pipeline.addAfter("spdy-codec", "spdy-connection",
                new SpdyConnection(sessions.spdy(ctx.channel(), pending, protocol.get())));
        pipeline.remove(AGGREGATOR);
        pipeline.remove(this);
        pipeline.remove(CODEC);
    }

    private void upgradeToWebSocket(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
                                    String kind, Pending pending) {
        if (pending instanceof Pending.PortForward forward && forward.ports().isEmpty()) {
            // kubelet's own port-forward endpoint names the ports in the query; the CRI request had none
            try {
                pending = new Pending.PortForward(forward.sandboxId(), queryPorts(uri));
            } catch (IllegalArgumentException e) {
                refuse(ctx, kind, HttpResponseStatus.BAD_REQUEST, e.getMessage(), List.of());
                return;
            }
        }
        List<String> offered = request.headers().getAll(Protocols.WEBSOCKET_HEADER);
        List<String> supported = pending instanceof Pending.PortForward
                ? Protocols.WEBSOCKET_PORT_FORWARD : Protocols.WEBSOCKET_REMOTE_COMMAND;
        Optional<String> protocol = Protocols.negotiate(offered, supported);
        if (protocol.isEmpty()) {
            refuse(ctx, kind, HttpResponseStatus.FORBIDDEN, "unable to upgrade: requested protocol(s) are not "
                    + "supported: " + Protocols.split(offered) + "; supports " + supported, List.of());
            return;
        }
        String chosen = protocol.get();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(webSocketUrl(request),
                chosen.isEmpty() ? null : chosen, false, MAX_MESSAGE).newHandshaker(request);
        try {
            // Writes the 101 answer and puts WebSocket's frame codec in place of HTTP's.
            handshaker.handshake(ctx.channel(), request);
        } catch (WebSocketHandshakeException e) {
            refuse(ctx, kind, HttpResponseStatus.BAD_REQUEST, "unable to upgrade: " + e.getMessage(), List.of());
            return;
        }
        var pipeline = ctx.pipeline();
        pipeline.addAfter(NAME, "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
        pipeline.addAfter("ws-aggregator", "ws-connection",
                new WebSocketConnection(chosen, sessions.webSocket(ctx.channel(), pending, chosen)));
        pipeline.remove(this);
    }

    /** The ports of {@code port=} query parameters, each a port or a comma-separated list, as kubelet reads them. */
    static List<Integer> queryPorts(QueryStringDecoder uri) {
        List<String> values = uri.parameters().getOrDefault("port", List.of());
        if (values.isEmpty()) {
            throw new IllegalArgumentException("query parameter \"port\" is required");
        }
        List<Integer> ports = new ArrayList<>();
        for (String value : values) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("query parameter \"port\" cannot be empty");
            }
            for (String part : value.split(",", -1)) {
                int port;
                try {
                    port = Integer.parseInt(part);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("unable to parse \"" + value + "\" as a port");
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port \"" + value + "\" must be in 1..65535");
                }
                ports.add(port);
            }
        }
        return ports;
    }

    private static String webSocketUrl(FullHttpRequest request) {
        return "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
    }

    /** Answers with an error and logs why; the token in the URL is left out of the log. */
    private static void refuse(ChannelHandlerContext ctx, String kind, HttpResponseStatus status, String message,
                               List<String> accepted) {
        LOG.info("refused a {} streaming connection from {}: {} {}", kind, ctx.channel().remoteAddress(),
                status.code(), message);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, "close");
        accepted.forEach(p -> response.headers().add(Protocols.ACCEPTED_HEADER, p));
        ctx.writeAndFlush(response);
        GracefulClose.close(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("streaming connection {} failed before its upgrade: {}", ctx.channel().remoteAddress(),
                cause.toString());
        GracefulClose.close(ctx.channel());
    }
}

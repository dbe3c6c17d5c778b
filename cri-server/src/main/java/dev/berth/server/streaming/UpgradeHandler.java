package dev.berth.server.streaming;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The HTTP side of a streaming connection: checks the URL's token and the upgrade headers, negotiates the
 * stream protocol, answers 101 Switching Protocols and turns the connection into a SPDY/3.1 one served by
 * the session the request calls for. Errors are plain-text HTTP answers: 404 for an unknown, used or expired
 * token, 400 for a request that does not ask for SPDY, 403 when no protocol is shared. One per connection.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String CODEC = "http-codec";
    static final String AGGREGATOR = "http-aggregator";
    static final String NAME = "upgrade";
    private static final String SPDY = "SPDY/3.1";

    private final TokenCache<Pending> tokens;
    private final BiFunction<ChannelHandlerContext, Negotiated, SpdyConnection.Session> sessions;

    /** A redeemed request and the protocol agreed for it. */
    record Negotiated(Pending request, String protocol) {
    }

    UpgradeHandler(TokenCache<Pending> tokens,
                   BiFunction<ChannelHandlerContext, Negotiated, SpdyConnection.Session> sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.POST)) {
            reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", List.of());
            return;
        }
        List<String> path = List.of(new QueryStringDecoder(request.uri()).path().split("/"));
        if (path.size() != 3 || !path.get(0).isEmpty()
                || !List.of("exec", "attach", "portforward").contains(path.get(1))) {
            reply(ctx, HttpResponseStatus.NOT_FOUND, "not found", List.of());
            return;
        }
        String connection = request.headers().get(HttpHeaderNames.CONNECTION, "").toLowerCase(Locale.ROOT);
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
        if (!connection.contains("upgrade") || !upgrade.contains(SPDY.toLowerCase(Locale.ROOT))) {
            // Checked before the token is redeemed, so a client may retry with SPDY after a refused WebSocket.
            reply(ctx, HttpResponseStatus.BAD_REQUEST,
                    "unable to upgrade: the request must ask for Upgrade: " + SPDY, List.of());
            return;
        }
        Optional<Pending> pending = tokens.take(path.get(2)).filter(p -> p.kind().equals(path.get(1)));
        if (pending.isEmpty()) {
            reply(ctx, HttpResponseStatus.NOT_FOUND, "unknown or expired token", List.of());
            return;
        }
        List<String> offered = request.headers().getAll(Protocols.HEADER);
        List<String> supported = pending.get() instanceof Pending.PortForward
                ? Protocols.PORT_FORWARD : Protocols.REMOTE_COMMAND;
        if (offered.isEmpty()) {
            reply(ctx, HttpResponseStatus.BAD_REQUEST,
                    "unable to upgrade: " + Protocols.HEADER + " is required", List.of());
            return;
        }
        Optional<String> protocol = Protocols.negotiate(offered, supported);
        if (protocol.isEmpty()) {
            reply(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client "
                    + "supports " + Protocols.split(offered) + ", server accepts " + supported, supported);
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
                new SpdyConnection(sessions.apply(ctx, new Negotiated(pending.get(), protocol.get()))));
        pipeline.remove(AGGREGATOR);
        pipeline.remove(this);
        pipeline.remove(CODEC);
    }

    private static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String message,
                              List<String> accepted) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, "close");
        accepted.forEach(p -> response.headers().add(Protocols.ACCEPTED_HEADER, p));
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

package dev.berth.server.streaming;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.sandbox.SandboxRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The streaming server of exec, attach and port-forward, as kubelet's CRI streaming server defines it: the
 * RPCs get a one-time URL ({@code http://<address>/<kind>/<token>}, valid for a minute, usable once), and the
 * client connects there and upgrades to SPDY/3.1 or to WebSocket (the channel protocols) to carry the
 * command's streams. Only loopback addresses should be configured: the URLs are the only access control.
 *
 * <p>Thread-safe. {@link #start()} once before handing out URLs; {@link #close()} stops serving (sessions
 * running then are cut off).
 */
public final class StreamingServer implements StreamUrls, AutoCloseable {

    static final Duration TOKEN_TTL = Duration.ofMinutes(1);
    static final int MAX_PENDING = 1000;
    /** How long a client may take to open its streams after the upgrade; kubelet allows as long. */
    static final Duration STREAM_CREATION_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int requestedPort;
    private final SandboxRuntime runtime;

    private final TokenCache<Pending> tokens = new TokenCache<>(TOKEN_TTL, MAX_PENDING, System::nanoTime);
    private EventLoopGroup group;
    private Channel server;
    private volatile String baseUrl;

    /** {@code address} is host:port; port 0 picks a free port. */
    public StreamingServer(String address, SandboxRuntime runtime) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("streaming.address must be host:port, not " + address);
        }
        this.host = address.substring(0, colon).replaceAll("^\\[|\\]$", "");
        this.requestedPort = Integer.parseInt(address.substring(colon + 1));
        this.runtime = runtime;
    }

    public void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(UpgradeHandler.CODEC, new HttpServerCodec())
                                    .addLast(UpgradeHandler.AGGREGATOR, new HttpObjectAggregator(64 * 1024))
                                    .addLast(UpgradeHandler.NAME, new UpgradeHandler(tokens, new Sessions()));
                        }
                    })
                    .bind(host, requestedPort).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the streaming server", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot serve streams on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        baseUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The port served; meaningful after {@link #start()}. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Makes the sessions of redeemed requests, for either transport. */
    private final class Sessions implements UpgradeHandler.Sessions {
        @Override
        public SpdyConnection.Session spdy(Channel channel, Pending request, String protocol) {
            return switch (request) {
                case Pending.Exec exec -> new ExecSession(channel, ExecSession.expectedStreams(protocol, exec.tty(),
                        exec.stdin(), exec.stdout(), exec.stderr()), command(request, protocol),
                        STREAM_CREATION_TIMEOUT);
                case Pending.Attach attach -> new ExecSession(channel, ExecSession.expectedStreams(protocol,
                        attach.tty(), attach.stdin(), attach.stdout(), attach.stderr()), command(request, protocol),
                        STREAM_CREATION_TIMEOUT);
                case Pending.PortForward forward -> new PortForwardSession(forwarder(forward));
            };
        }

        @Override
        public WebSocketConnection.Session webSocket(Channel channel, Pending request, String protocol) {
            return switch (request) {
                case Pending.Exec exec -> new WebSocketExec(command(request, protocol), exec.tty(), exec.stdin(),
                        exec.stdout(), exec.stderr());
                case Pending.Attach attach -> new WebSocketExec(command(request, protocol), attach.tty(),
                        attach.stdin(), attach.stdout(), attach.stderr());
                case Pending.PortForward forward -> new WebSocketPortForward(forwarder(forward), forward.ports());
            };
        }
    }

    private RemoteCommand command(Pending request, String protocol) {
        return switch (request) {
            case Pending.Exec exec -> new RemoteCommand(protocol, exec.command().toString(), false,
                    () -> runtime.startExec(exec.containerId(), exec.command(), exec.tty()));
            case Pending.Attach attach -> new RemoteCommand(protocol, "attach " + attach.containerId(), true,
                    () -> runtime.attach(attach.containerId()));
            case Pending.PortForward forward -> throw new IllegalArgumentException("not a command: " + forward);
        };
    }

    private PortForwarder forwarder(Pending.PortForward forward) {
        return new PortForwarder(forward.sandboxId(), port -> runtime.portForward(forward.sandboxId(), port));
    }

    @Override
    public String exec(ExecRequest r) {
        return url(new Pending.Exec(r.getContainerId(), r.getCmdList(), r.getTty(), r.getStdin(), r.getStdout(),
                r.getStderr()));
    }

    @Override
    public String attach(AttachRequest r) {
        return url(new Pending.Attach(r.getContainerId(), r.getTty(), r.getStdin(), r.getStdout(), r.getStderr()));
    }

    @Override
    public String portForward(PortForwardRequest r) {
        return url(new Pending.PortForward(r.getPodSandboxId(), r.getPortList()));
    }

    private String url(Pending request) {
        if (baseUrl == null) {
            throw new IllegalStateException("the streaming server is not running");
        }
        return baseUrl + "/" + request.kind() + "/" + tokens.put(request);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}

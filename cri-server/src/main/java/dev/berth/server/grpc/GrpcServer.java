package dev.berth.server.grpc;

import dev.berth.server.Services;
import dev.berth.server.metrics.Metrics;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The CRI gRPC server on a unix socket: Netty epoll for I/O, one virtual thread per call for the handlers.
 * Not thread-safe: start and stop from one thread.
 */
public final class GrpcServer {

    /** The receive limit containerd and CRI-O use as well; large ListContainers requests stay well below it. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Path socket;
    private final Services services;
    private final Metrics metrics;
    private final BooleanSupplier ready;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService executor;
    private Server server;

    public GrpcServer(Path socket, Services services, Metrics metrics, BooleanSupplier ready) {
        this.socket = socket;
        this.services = services;
        this.metrics = metrics;
        this.ready = ready;
    }

    public void start() throws IOException {
        Files.createDirectories(socket.getParent());
        if (isServed(socket)) {
            throw new IOException("another process is serving on " + socket + ": is berth already running?");
        }
        // A socket file left by an earlier run would make bind fail with EADDRINUSE.
        Files.deleteIfExists(socket);
        boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        executor = Executors.newVirtualThreadPerTaskExecutor();
        CallInterceptor interceptor = new CallInterceptor(metrics, ready);
        server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(new RuntimeServiceImpl(services), interceptor))
                .addService(ServerInterceptors.intercept(new ImageServiceImpl(services), interceptor))
                .build()
                .start();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }

    /** Whether something accepts connections on {@code socket}; a stale socket file refuses them. */
    public static boolean isServed(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            return false;
        }
    }

    /** Stops accepting calls, lets running calls finish for up to {@code graceSeconds}, then cancels them. */
    public void stop(long graceSeconds) throws InterruptedException {
        if (server == null) {
            return;
        }
        server.shutdown();
        if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        executor.shutdown();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // the socket file is removed at the next start anyway
        }
    }
}

package dev.berth.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcServerTest {

    @TempDir
    Path dir;

    @Test
    void isServed_listeningSocket_true() throws IOException {
        Path socket = dir.resolve("live.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));

            assertThat(GrpcServer.isServed(socket)).isTrue();
        }
    }

    @Test
    void isServed_staleSocketFile_false() throws IOException {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }

        assertThat(socket).exists();
        assertThat(GrpcServer.isServed(socket)).isFalse();
    }

    @Test
    void isServed_noFile_false() {
        assertThat(GrpcServer.isServed(dir.resolve("none.sock"))).isFalse();
    }

    @Test
    void start_whileAnotherServes_failsAndLeavesItsSocket() throws IOException {
        Path socket = dir.resolve("taken.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            GrpcServer second = new GrpcServer(socket, null, new dev.berth.server.metrics.Metrics(), () -> true);

            org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                    .isInstanceOf(IOException.class).hasMessageContaining("already running");
            assertThat(Files.exists(socket)).isTrue();
            assertThat(GrpcServer.isServed(socket)).isTrue();
        }
    }
}

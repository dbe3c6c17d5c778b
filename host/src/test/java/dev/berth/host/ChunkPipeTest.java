package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChunkPipeTest {

    @Test
    void read_acrossChunks_returnsBytesInOrderThenEnd() throws Exception {
        ChunkPipe pipe = new ChunkPipe();
        pipe.offer("ab".getBytes(StandardCharsets.UTF_8));
        pipe.offer(new byte[0]);
        pipe.offer("cde".getBytes(StandardCharsets.UTF_8));
        pipe.end();

        byte[] small = new byte[2];
        assertThat(pipe.read(small, 0, 2)).isEqualTo(2);
        assertThat(new String(small, StandardCharsets.UTF_8)).isEqualTo("ab");
        assertThat(new String(pipe.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("cde");
        assertThat(pipe.read()).isEqualTo(-1);
        assertThat(pipe.read(small, 0, 2)).isEqualTo(-1);
    }

    @Test
    void read_beforeAnyChunk_waitsForTheWriter() throws Exception {
        ChunkPipe pipe = new ChunkPipe();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.read();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertThat(reader).isNotDone();
        pipe.offer(new byte[] {(byte) 0xff});

        assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(0xff);
    }

    @Test
    void read_reportsTheBytesEachReadTook() throws Exception {
        java.util.List<Integer> taken = new java.util.ArrayList<>();
        ChunkPipe pipe = new ChunkPipe(taken::add);
        pipe.offer(new byte[] {1, 2, 3});
        pipe.end();

        pipe.read(new byte[2], 0, 2);
        pipe.read();
        pipe.read();

        assertThat(taken).containsExactly(2, 1);
    }
}

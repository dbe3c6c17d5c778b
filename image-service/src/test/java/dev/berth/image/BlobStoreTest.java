package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    private static final byte[] CONTENT = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private static final String DIGEST = Digests.of(CONTENT);

    @TempDir
    Path root;

    private static InputStream brokenAfter(int bytes) {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("transfer broke off");
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(CONTENT, 0, bytes), failing);
    }

    private long files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve(dir))) {
            return s.count();
        }
    }

    @Test
    void ingest_matchingContent_storesBlob() throws Exception {
        BlobStore store = new BlobStore(root);

        Path blob = store.ingest(DIGEST, CONTENT.length, new ByteArrayInputStream(CONTENT));

        assertThat(blob).hasBinaryContent(CONTENT);
        assertThat(store.has(DIGEST)).isTrue();
        assertThat(files("ingest")).isZero();
    }

    @Test
    void ingest_sourceFailsMidway_throwsUnavailableAndLeavesNothing() throws Exception {
        BlobStore store = new BlobStore(root);

        assertThatThrownBy(() -> store.ingest(DIGEST, CONTENT.length, brokenAfter(4)))
                .isInstanceOf(BerthException.Unavailable.class).hasMessage("transfer broke off");

        assertThat(store.has(DIGEST)).isFalse();
        assertThat(files("ingest")).isZero();
    }

    @Test
    void ingest_otherContent_throwsFailedDigestMismatchAndLeavesNothing() throws Exception {
        BlobStore store = new BlobStore(root);
        byte[] other = CONTENT.clone();
        other[0] ^= 1;

        assertThatThrownBy(() -> store.ingest(DIGEST, CONTENT.length, new ByteArrayInputStream(other)))
                .isInstanceOf(BerthException.Failed.class).hasMessageContaining("digest mismatch")
                .hasMessageContaining(DIGEST);

        assertThat(store.has(DIGEST)).isFalse();
        assertThat(files("ingest")).isZero();
    }

    @Test
    void ingest_shorterThanAnnounced_throwsFailedAndLeavesNothing() throws Exception {
        BlobStore store = new BlobStore(root);

        assertThatThrownBy(() -> store.ingest(DIGEST, CONTENT.length + 1, new ByteArrayInputStream(CONTENT)))
                .isInstanceOf(BerthException.Failed.class)
                .hasMessage("blob " + DIGEST + " has " + CONTENT.length + " bytes, expected " + (CONTENT.length + 1));

        assertThat(files("ingest")).isZero();
        assertThat(files("blobs/sha256")).isZero();
    }
}

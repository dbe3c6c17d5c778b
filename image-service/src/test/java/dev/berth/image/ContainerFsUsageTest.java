package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerFsUsageTest {

    private static final String ID = "c1".repeat(32);

    @TempDir
    Path root;

    @Test
    void of_nestedTree_countsFileBytesAndEveryEntry() throws IOException {
        Path upper = Files.createDirectories(root.resolve("upper"));
        Files.write(upper.resolve("a"), new byte[100]);
        Path sub = Files.createDirectories(upper.resolve("etc/deep"));
        Files.write(sub.resolve("b"), new byte[23]);
        Files.createSymbolicLink(upper.resolve("link"), Path.of("a"));

        long[] totals = TreeUsage.of(upper);

        // upper, etc, etc/deep: 3 dirs; a, b, link: 3 more inodes; only regular files add bytes
        assertThat(totals).containsExactly(123, 6);
    }

    @Test
    void of_missingDir_isZero() throws IOException {
        assertThat(TreeUsage.of(root.resolve("nope"))).containsExactly(0, 0);
    }

    @Test
    void containerFsUsage_upperDirPresent_reportsItOnTheStoreRoot() throws IOException {
        try (ImageStore store = ImageStore.open(new ImageSettings(root, List.of()))) {
            Path upper = Files.createDirectories(root.resolve("containers").resolve(ID).resolve("upper"));
            Files.write(upper.resolve("written-by-the-container"), new byte[4096]);

            FsUsage usage = store.containerFsUsage(ID).orElseThrow();

            assertThat(usage.mountpoint()).isEqualTo(root.toAbsolutePath().normalize());
            assertThat(usage.usedBytes()).isEqualTo(4096);
            assertThat(usage.inodesUsed()).isEqualTo(2);
            assertThat(usage.timestampNanos()).isPositive();
        }
    }

    @Test
    void containerFsUsage_noRootfs_isEmpty() {
        try (ImageStore store = ImageStore.open(new ImageSettings(root, List.of()))) {
            assertThat(store.containerFsUsage(ID)).isEmpty();
        }
    }

    @Test
    void containerFsUsage_escapingId_isRejected() {
        try (ImageStore store = ImageStore.open(new ImageSettings(root, List.of()))) {
            assertThatThrownBy(() -> store.containerFsUsage("../../etc")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

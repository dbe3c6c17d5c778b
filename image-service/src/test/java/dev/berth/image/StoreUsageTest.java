package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.host.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreUsageTest {

    @TempDir
    Path root;

    @Test
    void usage_withKeptLayerTotals_equalsAFullWalk_andForgetsRemovedLayers() throws Exception {
        try (ImageStore store = ImageStore.open(new ImageSettings(root, List.of()))) {
            Path layer = Files.createDirectories(root.resolve("layers").resolve("ab".repeat(32)).resolve("diff/bin"));
            Files.write(layer.resolve("tool"), new byte[1234]);
            Files.write(root.resolve("layers").resolve("cd".repeat(32)), new byte[0]);
            Files.createDirectories(root.resolve("containers/c1/upper"));
            Files.write(root.resolve("containers/c1/upper/new"), new byte[77]);

            long[] walked = TreeUsage.of(root);
            FsUsage first = store.usage();
            FsUsage second = store.usage();

            assertThat(new long[] {first.usedBytes(), first.inodesUsed()}).containsExactly(walked);
            assertThat(new long[] {second.usedBytes(), second.inodesUsed()}).containsExactly(walked);

            FileTrees.deleteRecursively(root.resolve("layers").resolve("ab".repeat(32)));
            long[] afterRemoval = TreeUsage.of(root);
            FsUsage third = store.usage();

            assertThat(new long[] {third.usedBytes(), third.inodesUsed()}).containsExactly(afterRemoval);
        }
    }
}

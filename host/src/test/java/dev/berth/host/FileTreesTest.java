package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path dir;

    @Test
    void deleteRecursively_treeWithSymlinkOut_deletesTheLinkNotItsTarget() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside"), "keep");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(dir.resolve("tree/a/link"), outside);
        Files.createSymbolicLink(dir.resolve("tree/dirlink"), dir);

        FileTrees.deleteRecursively(dir.resolve("tree"));

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(outside).hasContent("keep");
    }

    @Test
    void deleteRecursively_missing_isQuiet() {
        FileTrees.deleteRecursively(dir.resolve("absent"));

        assertThat(dir.resolve("absent")).doesNotExist();
    }
}

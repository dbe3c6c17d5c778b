package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void write_existingFile_replacesContentAndLeavesNoTemp() throws Exception {
        Path f = dir.resolve("sub/x.json");
        AtomicFiles.write(f, "old".getBytes());

        AtomicFiles.write(f, "new".getBytes());

        assertThat(Files.readString(f)).isEqualTo("new");
        try (var s = Files.list(f.getParent())) {
            assertThat(s.toList()).containsExactly(f);
        }
    }
}

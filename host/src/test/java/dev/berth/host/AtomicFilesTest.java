package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
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

    @Test
    void write_newFileInNewDirectory_privateModes() throws Exception {
        Path f = dir.resolve("a/b/secret.json");

        AtomicFiles.writeJson(f, Map.of("k", "v"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())))
                .isEqualTo("rwx------");
        assertThat(Json.MAPPER.readTree(f.toFile()).get("k").asText()).isEqualTo("v");
    }

    @Test
    void write_targetIsADirectory_failsAndRemovesItsTemp() throws Exception {
        Path target = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "x");

        assertThatThrownBy(() -> AtomicFiles.write(target, "data".getBytes())).isInstanceOf(IOException.class);

        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(target);
        }
    }

    @Test
    void isTemp_namesOfInterruptedWrites() {
        assertThat(AtomicFiles.isTemp(Path.of("/d/.x.json.123.tmp"))).isTrue();
        assertThat(AtomicFiles.isTemp(Path.of("/d/x.json"))).isFalse();
        assertThat(AtomicFiles.isTemp(Path.of("/d/x.tmp"))).isFalse();
    }
}

package dev.berth.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitFilesTest {

    @TempDir
    Path dir;

    @Test
    void parse_numberWithNewline_returnsCode() {
        assertThat(ExitFiles.parse("137\n")).hasValue(137);
    }

    @Test
    void parse_blankOrGarbage_returnsEmpty() {
        assertThat(ExitFiles.parse("")).isEmpty();
        assertThat(ExitFiles.parse("  \n")).isEmpty();
        assertThat(ExitFiles.parse("x1")).isEmpty();
    }

    @Test
    void read_existingFile_returnsCodeAndMtime() throws Exception {
        Path f = dir.resolve("abc");
        Files.writeString(f, "2");
        Instant when = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Files.setLastModifiedTime(f, FileTime.from(when));

        ExitStatus s = ExitFiles.read(f).orElseThrow();

        assertThat(s.exitCode()).isEqualTo(2);
        assertThat(s.finishedAtNanos()).isEqualTo(when.getEpochSecond() * 1_000_000_000L + when.getNano());
    }

    @Test
    void read_missingFile_returnsEmpty() {
        assertThat(ExitFiles.read(dir.resolve("none"))).isEmpty();
    }
}

package dev.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryTest {

    @Test
    void parse_smapsRollup_readsRssAndPss() {
        String rollup = """
                55d4c2a00000-7ffd6b1ff000 ---p 00000000 00:00 0                          [rollup]
                Rss:                2048 kB
                Pss:                 612 kB
                Pss_Anon:            400 kB
                Pss_File:            212 kB
                Shared_Clean:       1200 kB
                """;

        assertThat(Memory.parse(rollup)).isEqualTo(new Memory(2048, 612));
    }

    @Test
    void parse_noSuchLines_isNone() {
        assertThat(Memory.parse("")).isEqualTo(Memory.NONE);
    }

    @Test
    void plus_addsBoth() {
        assertThat(new Memory(1, 2).plus(new Memory(10, 20))).isEqualTo(new Memory(11, 22));
    }

    @Test
    void processesNamed_ownCommandName_findsThisProcess() throws IOException {
        String comm = Files.readString(Path.of("/proc/self/comm")).strip();

        assertThat(Memory.processesNamed(List.of(comm))).contains(ProcessHandle.current().pid());
    }
}

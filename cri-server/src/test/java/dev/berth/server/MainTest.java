package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    @Test
    void version_printsBerthAndItsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("berth ").doesNotContain("unknown");
    }

    @Test
    void config_configFileBeforeOrAfterSubcommand_isRead() throws IOException {
        Path file = dir.resolve("b.toml");
        Files.writeString(file, "socket = \"/tmp/x.sock\"\n");

        assertThat(run("--config", file.toString(), "config")).isZero();
        assertThat(run("config", "--config", file.toString(), "--log-level", "debug")).isZero();

        assertThat(out.toString().split("socket = '/tmp/x.sock'", -1)).hasSize(3);
        assertThat(out.toString()).contains("log_level = 'debug'");
    }

    @Test
    void config_missingExplicitFile_failsWithMessage() {
        assertThat(run("config", "--config", dir.resolve("nope.toml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope.toml").contains("does not exist");
    }

    @Test
    void config_setOverridesAnyKey() {
        assertThat(run("config", "--set", "runtime.runc=/opt/runc")).isZero();
        assertThat(out.toString()).contains("runtime.runc = '/opt/runc'");
    }
}

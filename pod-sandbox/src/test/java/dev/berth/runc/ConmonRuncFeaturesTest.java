package dev.berth.runc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.host.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runc features} through the real process seam, with scripted runc executables. */
class ConmonRuncFeaturesTest {

    @TempDir
    Path dir;

    private ConmonRunc runtimeWith(String script) throws IOException {
        Path runc = dir.resolve("runc");
        Files.writeString(runc, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(runc, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ConmonRunc(new ProcessRunner(), runc, dir.resolve("root"), Path.of("/usr/bin/conmon"),
                dir.resolve("exits"), dir.resolve("sock"));
    }

    @Test
    void features_runcPrintsThem_theirJson() throws IOException {
        ConmonRunc runtime = runtimeWith("""
                [ "$1" = features ] || exit 2
                echo '{"mountOptions":["rro"]}'""");

        assertThat(runtime.features()).hasValueSatisfying(json -> assertThat(json).contains("\"rro\""));
    }

    @Test
    void features_runcWithoutTheCommand_empty() throws IOException {
        // what runc 1.0 answers
        ConmonRunc runtime = runtimeWith("""
                echo "No help topic for '$1'" >&2
                exit 1""");

        assertThat(runtime.features()).isEmpty();
    }

    @Test
    void features_runcCannotBeStarted_empty() {
        ConmonRunc runtime = new ConmonRunc(new ProcessRunner(), dir.resolve("no-such-runc"), dir.resolve("root"),
                Path.of("/usr/bin/conmon"), dir.resolve("exits"), dir.resolve("sock"));

        assertThat(runtime.features()).isEmpty();
    }
}

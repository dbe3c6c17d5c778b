package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.config.BerthConfig;
import dev.berth.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonDirectoriesTest {

    @TempDir
    Path dir;

    private BerthConfig config(Path socket) {
        return ConfigLoader.load(dir.resolve("absent.toml"), false, Map.of("root", dir.resolve("root").toString(),
                "state", dir.resolve("state").toString(), "socket", socket.toString()));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void secureDirectories_freshInstall_rootAndStatePrivate() throws IOException {
        Daemon.secureDirectories(config(dir.resolve("state/berth.sock")));

        assertThat(mode(dir.resolve("root"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
    }

    @Test
    void secureDirectories_socketElsewhere_stateIsPrivate() throws IOException {
        Daemon.secureDirectories(config(dir.resolve("berth.sock")));

        assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
    }

    @Test
    void secureDirectories_earlierOpenInstall_tightened() throws IOException {
        for (String d : new String[] {"root/images/layers", "state/containers/c1", "state/ns/net", "state/api"}) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.setPosixFilePermissions(dir.resolve("root"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("state"), PosixFilePermissions.fromString("rwxrwxrwx"));

        Daemon.secureDirectories(config(dir.resolve("state/api/berth.sock")));

        assertThat(mode(dir.resolve("root"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state/api"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state/containers"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state/ns"))).isEqualTo("rwx------");
    }
}

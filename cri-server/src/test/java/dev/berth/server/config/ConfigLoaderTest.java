package dev.berth.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void load_noFile_givesBuiltInDefaults() {
        BerthConfig config = ConfigLoader.load(dir.resolve("absent.toml"), false, Map.of());

        assertThat(config.socket()).isEqualTo("/run/berth/berth.sock");
        assertThat(config.root()).isEqualTo("/var/lib/berth");
        assertThat(config.state()).isEqualTo("/run/berth");
        assertThat(config.runtime().cgroupDriver()).isEqualTo("cgroupfs");
        assertThat(config.cni().binDirs()).containsExactly("/opt/cni/bin", "/usr/lib/cni");
        assertThat(config.cni().defaultNetwork()).isTrue();
        assertThat(config.registry().mirrors()).isEmpty();
        assertThat(config.metrics().address()).isEqualTo("127.0.0.1:9641");
        assertThat(config.streaming().address()).isEqualTo("127.0.0.1:0");
        assertThat(config.images().allowDeviceNodes()).isFalse();
    }

    @Test
    void load_allowDeviceNodesOverride_turnsItOn() {
        BerthConfig config = ConfigLoader.load(dir.resolve("absent.toml"), false,
                Map.of("images.allow_device_nodes", "true"));

        assertThat(config.images().allowDeviceNodes()).isTrue();
    }

    @Test
    void load_fileDropInAndOverride_applyInThatOrder() throws IOException {
        Path file = dir.resolve("berth.toml");
        Files.writeString(file, """
                socket = "/tmp/a.sock"
                [runtime]
                runc = "/opt/runc"
                [registry.mirrors."registry.k8s.io"]
                endpoints = ["http://127.0.0.1:5000"]
                """);
        Files.createDirectories(dir.resolve("berth.toml.d"));
        Files.writeString(dir.resolve("berth.toml.d/50-socket.toml"), "socket = \"/tmp/b.sock\"\n");

        BerthConfig config = ConfigLoader.load(file, true, Map.of("runtime.conmon", "/opt/conmon"));

        assertThat(config.socket()).isEqualTo("/tmp/b.sock");
        assertThat(config.runtime().runc()).isEqualTo("/opt/runc");
        assertThat(config.runtime().conmon()).isEqualTo("/opt/conmon");
        assertThat(config.runtime().catatonit()).isEqualTo("/usr/bin/catatonit");
        assertThat(config.registry().mirrors().get("registry.k8s.io").endpoints())
                .containsExactly("http://127.0.0.1:5000");
    }

    @Test
    void load_unknownKey_failsNamingIt() throws IOException {
        Path file = dir.resolve("berth.toml");
        Files.writeString(file, "[runtime]\nrunc_path = \"/x\"\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, true, Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("runc_path");
    }

    @Test
    void load_requiredFileMissing_fails() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.toml"), true, Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("nope.toml");
    }

    @Test
    void parse_streamingAddressWithoutPort_fails() {
        assertThatThrownBy(() -> ConfigLoader.parse("[streaming]\naddress = \"127.0.0.1\"\n"))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessageContaining("streaming.address");
    }

    @Test
    void parse_badCgroupDriver_fails() {
        assertThatThrownBy(() -> ConfigLoader.parse("[runtime]\ncgroup_driver = \"cgroupv3\"\n"))
                .hasMessageContaining("runtime.cgroup_driver");
    }

    @Test
    void parse_relativeRoot_fails() {
        assertThatThrownBy(() -> ConfigLoader.parse("root = \"var/lib\"\n")).hasMessageContaining("root");
    }

    @Test
    void render_roundTrips() {
        BerthConfig config = ConfigLoader.parse("log_level = \"debug\"\n[cni]\nbin_dirs = [\"/a\"]\n");

        assertThat(ConfigLoader.parse(ConfigLoader.render(config))).isEqualTo(config);
    }

    @Test
    void shippedConfigFile_equalsTheBuiltInDefaults() {
        Path shipped = Path.of("../manifests/config/berth.toml");

        assertThat(ConfigLoader.load(shipped, true, Map.of()))
                .isEqualTo(ConfigLoader.load(dir.resolve("absent.toml"), false, Map.of()));
    }

    @Test
    void load_listOverride_splitsOnCommas() {
        BerthConfig config = ConfigLoader.load(dir.resolve("absent.toml"), false,
                Map.of("cni.bin_dirs", "/a, /b", "cni.default_network", "false"));

        assertThat(config.cni().binDirs()).containsExactly("/a", "/b");
        assertThat(config.cni().defaultNetwork()).isFalse();
    }
}

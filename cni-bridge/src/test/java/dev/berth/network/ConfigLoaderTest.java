package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void scan_mixedFiles_validOnesInFileNameOrder() throws IOException {
        Files.writeString(dir.resolve("20-b.conflist"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"portmap\"}]}");
        Files.writeString(dir.resolve("10-a.conf"), "{\"cniVersion\":\"0.4.0\",\"name\":\"a\",\"type\":\"ptp\"}");
        Files.writeString(dir.resolve("30-c.json"), "{\"cniVersion\":\"1.0.0\",\"name\":\"c\",\"type\":\"macvlan\"}");
        Files.writeString(dir.resolve("05-readme.txt"), "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"x\"}");

        ConfigLoader.Scan scan = ConfigLoader.scan(dir);

        assertThat(scan.networks()).extracting(NetworkConfigList::name).containsExactly("a", "b", "c");
        assertThat(scan.skipped()).isEmpty();
    }

    @Test
    void scan_invalidJson_skippedWithReason() throws IOException {
        Files.writeString(dir.resolve("01-broken.conflist"), "{\"name\":");
        Files.writeString(dir.resolve("02-ok.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"ok\",\"type\":\"ptp\"}");

        ConfigLoader.Scan scan = ConfigLoader.scan(dir);

        assertThat(scan.networks()).extracting(NetworkConfigList::name).containsExactly("ok");
        assertThat(scan.skipped()).singleElement().asString().contains("01-broken.conflist", "invalid JSON");
    }

    @Test
    void scan_missingDir_empty() throws IOException {
        ConfigLoader.Scan scan = ConfigLoader.scan(dir.resolve("nope"));

        assertThat(scan.networks()).isEmpty();
    }

    @Test
    void parse_conf_wrappedAsOnePluginList() {
        NetworkConfigList list = ConfigLoader.parse(
                "{\"cniVersion\":\"0.4.0\",\"name\":\"a\",\"type\":\"ptp\",\"mtu\":1400}", "a.conf");

        assertThat(list.cniVersion()).isEqualTo("0.4.0");
        assertThat(list.pluginTypes()).containsExactly("ptp");
        assertThat(list.plugins().get(0).path("mtu").asInt()).isEqualTo(1400);
        assertThat(list.plugins().get(0).has("name")).isFalse();
    }

    @Test
    void parse_conflistWithoutPlugins_invalidConfig() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[]}",
                "a.conflist"))
                .isInstanceOf(BerthException.Failed.class);
    }

    @Test
    void parse_missingName_invalidConfig() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"cniVersion\":\"1.0.0\",\"type\":\"ptp\"}", "a.conf"))
                .hasMessageContaining("name");
    }

    @Test
    void parse_pluginTypeWithSlash_rejected() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"../../bin/sh\"}]}", "a.conflist"))
                .hasMessageContaining("must not contain '/'");
    }

    @Test
    void parse_badNetworkName_rejected() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"a/b\",\"type\":\"ptp\"}", "a.conf"))
                .hasMessageContaining("network name");
    }

    @Test
    void parse_disableCheck_read() {
        NetworkConfigList list = ConfigLoader.parse(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"disableCheck\":true,\"plugins\":[{\"type\":\"x\"}]}",
                "a.conflist");

        assertThat(list.disableCheck()).isTrue();
    }
}

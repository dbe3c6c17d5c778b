package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValuesTest {

    @TempDir
    Path tmp;

    @Test
    void podNetworkRequest_idWithSlash_rejected() {
        assertThatThrownBy(() -> new PodNetworkRequest("../x", "/n", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void podNetworkRequest_nulls_becomeEmpty() {
        PodNetworkRequest req = new PodNetworkRequest("abc", null, null, null, null, null);

        assertThat(req.netnsPath()).isEmpty();
        assertThat(req.portMappings()).isEmpty();
    }

    @Test
    void portMapping_unknownProtocol_rejected() {
        assertThatThrownBy(() -> new PortMapping("icmp", 1, 2, null)).isInstanceOf(BerthException.InvalidArgument.class);
    }

    @Test
    void portMapping_upperCaseProtocol_normalized() {
        assertThat(new PortMapping("SCTP", 1, 2, null).protocol()).isEqualTo("sctp");
    }

    @Test
    void cniSettings_defaults_berthLocations() {
        CniSettings settings = CniSettings.defaults();

        assertThat(settings.confDir()).isEqualTo(Path.of("/etc/cni/net.d"));
        assertThat(settings.binDirs()).containsExactly(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
        assertThat(settings.cacheDir()).isEqualTo(Path.of("/var/lib/berth/cni/cache"));
    }

    @Test
    void resultCache_writeThenFind_roundTrips() throws IOException {
        ResultCache cache = new ResultCache(tmp);
        NetworkConfigList net = ConfigLoader.parse(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\"}", "n.conf");
        RuntimeConf rt = RuntimeConf.of(new PodNetworkRequest("sb-1", "/n", "p", "ns", "u",
                List.of(new PortMapping("tcp", 80, 81, ""))), "/n", "eth0");
        ResultCache.Entry entry = new ResultCache.Entry(rt, net, Json.parseObject(FakePlugins.RESULT_1_0));

        cache.write(entry);
        List<ResultCache.Entry> found = cache.find("sb-1");

        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.runtime().cniArgs()).isEqualTo(rt.cniArgs());
            assertThat(e.runtime().capabilityArgs()).isEqualTo(rt.capabilityArgs());
            assertThat(e.network().json()).isEqualTo(net.json());
            assertThat(e.result()).isEqualTo(entry.result());
        });
        assertThat(cache.find("sb")).isEmpty();
        cache.delete(entry);
        assertThat(cache.all()).isEmpty();
    }

    @Test
    void resultCache_corruptFile_ignored() throws IOException {
        java.nio.file.Files.writeString(tmp.resolve("x-y-eth0.json"), "{garbage");

        assertThat(new ResultCache(tmp).all()).isEmpty();
    }
}

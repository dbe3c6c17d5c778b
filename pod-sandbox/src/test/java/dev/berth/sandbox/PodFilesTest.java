package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.DNSConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodFilesTest {

    @Test
    void resolvConf_fullConfig_rendersSearchNameserversOptions() {
        DNSConfig dns = DNSConfig.newBuilder().addServers("10.96.0.10").addServers("10.96.0.11")
                .addSearches("default.svc.cluster.local").addSearches("svc.cluster.local")
                .addOptions("ndots:5").build();

        assertThat(PodFiles.resolvConf(dns)).isEqualTo("""
                search default.svc.cluster.local svc.cluster.local
                nameserver 10.96.0.10
                nameserver 10.96.0.11
                options ndots:5
                """);
    }

    @Test
    void resolvConf_emptyConfig_returnsNullToCopyHostFile() {
        assertThat(PodFiles.resolvConf(DNSConfig.getDefaultInstance())).isNull();
    }

    @Test
    void hosts_noIpYet_mapsHostnameToLoopback() {
        String hosts = PodFiles.hosts("web", "", List.of());

        assertThat(hosts).startsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        assertThat(hosts).endsWith("127.0.1.1\tweb\n");
    }

    @Test
    void hosts_withIps_mapsHostnameToEachIp() {
        String hosts = PodFiles.hosts("web", "10.0.0.5", List.of("fd00::5"));

        assertThat(hosts).contains("10.0.0.5\tweb\n").contains("fd00::5\tweb\n").doesNotContain("127.0.1.1");
    }
}

package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginConfigsTest {

    private static final NetworkConfigList NET = ConfigLoader.parse("""
            {"cniVersion":"1.0.0","name":"n","plugins":[
              {"type":"bridge","runtimeConfig":{"keep":"me"}},
              {"type":"portmap","capabilities":{"portMappings":true,"bandwidth":false}}]}""", "n.conflist");

    private static ObjectNode caps() {
        return RuntimeConf.capabilityArgs(new PodNetworkRequest("c", "/n", "p", "ns", "u",
                List.of(new PortMapping("tcp", 80, 8080, ""))));
    }

    @Test
    void build_pluginWithoutCapabilities_keepsItsOwnRuntimeConfig() {
        ObjectNode conf = PluginConfigs.build(NET, NET.plugins().get(0), null, caps());

        assertThat(conf.path("runtimeConfig").path("keep").asText()).isEqualTo("me");
        assertThat(conf.path("runtimeConfig").has("portMappings")).isFalse();
        assertThat(conf.path("name").asText()).isEqualTo("n");
        assertThat(conf.has("prevResult")).isFalse();
    }

    @Test
    void build_capablePlugin_getsPortMappingsAndPrevResult() throws IOException {
        ObjectNode prev = Json.parseObject("{\"cniVersion\":\"1.0.0\",\"ips\":[]}");

        ObjectNode conf = PluginConfigs.build(NET, NET.plugins().get(1), prev, caps());

        assertThat(conf.path("runtimeConfig").path("portMappings").get(0).path("hostPort").asInt()).isEqualTo(8080);
        assertThat(conf.path("runtimeConfig").has("bandwidth")).isFalse();
        assertThat(conf.get("prevResult")).isEqualTo(prev);
    }

    @Test
    void build_noPublishedPorts_noRuntimeConfig() {
        ObjectNode none = RuntimeConf.capabilityArgs(new PodNetworkRequest("c", "/n", "p", "ns", "u",
                List.of(new PortMapping("tcp", 80, 0, ""))));

        ObjectNode conf = PluginConfigs.build(NET, NET.plugins().get(1), null, none);

        assertThat(conf.has("runtimeConfig")).isFalse();
    }

    @Test
    void atLeast_versions_comparedNumerically() {
        assertThat(PluginConfigs.atLeast("1.0.0", "0.4.0")).isTrue();
        assertThat(PluginConfigs.atLeast("0.4.0", "0.4.0")).isTrue();
        assertThat(PluginConfigs.atLeast("0.3.1", "0.4.0")).isFalse();
        assertThat(PluginConfigs.atLeast("0.10.0", "0.4.0")).isTrue();
    }

    @Test
    void cniArgs_request_kubernetesKeys() {
        String args = RuntimeConf.cniArgs(new PodNetworkRequest("sb", "/n", "web", "prod", "u-1", null));

        assertThat(args).isEqualTo(
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=prod;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=sb;K8S_POD_UID=u-1");
    }
}

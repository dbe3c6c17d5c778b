package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.host.BerthException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CniResultsTest {

    private static final PluginCall CALL = new PluginCall("ADD", "bridge", "c1", "/n", "eth0", "", "{}");

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void ips_v1Result_onlyPodInterfaceIpv4First() throws IOException {
        assertThat(CniResults.ips(json(FakePlugins.RESULT_1_0), "eth0")).containsExactly("10.88.0.5", "fd00::5");
    }

    @Test
    void ips_v040ResultWithVersionField_parsed() throws IOException {
        JsonNode result = json("""
                {"cniVersion":"0.4.0","interfaces":[{"name":"eth0","sandbox":"/n"}],
                 "ips":[{"version":"4","address":"10.1.0.7/24","gateway":"10.1.0.1","interface":0}]}""");

        assertThat(CniResults.ips(result, "eth0")).containsExactly("10.1.0.7");
    }

    @Test
    void ips_noInterfaceIndex_included() throws IOException {
        assertThat(CniResults.ips(json("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.2.0.3/16\"}]}"), "eth0"))
                .containsExactly("10.2.0.3");
    }

    @Test
    void ips_v020Result_ip4AndIp6() throws IOException {
        JsonNode result = json("{\"cniVersion\":\"0.2.0\",\"ip6\":{\"ip\":\"fd00::2/64\"},\"ip4\":{\"ip\":\"10.3.0.2/16\"}}");

        assertThat(CniResults.ips(result, "eth0")).containsExactly("10.3.0.2", "fd00::2");
    }

    @Test
    void parse_emptyOutput_pluginFailed() {
        assertThatThrownBy(() -> CniResults.parse("  ", CALL))
                .isInstanceOf(BerthException.Failed.class)
                .hasMessageContaining("printed no result");
    }

    @Test
    void parse_notJson_pluginFailedQuotingOutput() {
        assertThatThrownBy(() -> CniResults.parse("hello", CALL)).hasMessageContaining("invalid result: hello");
    }
}

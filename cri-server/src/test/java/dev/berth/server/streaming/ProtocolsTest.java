package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtocolsTest {

    @Test
    void negotiate_clientPreferenceFirst_picksClientsBestShared() {
        assertThat(Protocols.negotiate(List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io"),
                Protocols.REMOTE_COMMAND)).contains("v4.channel.k8s.io");
        assertThat(Protocols.negotiate(List.of("v2.channel.k8s.io", "v4.channel.k8s.io"),
                Protocols.REMOTE_COMMAND)).contains("v2.channel.k8s.io");
    }

    @Test
    void negotiate_commaSeparatedHeader_isSplit() {
        assertThat(Protocols.negotiate(List.of("v5.channel.k8s.io, channel.k8s.io"), Protocols.REMOTE_COMMAND))
                .contains("channel.k8s.io");
    }

    @Test
    void negotiate_nothingShared_isEmpty() {
        assertThat(Protocols.negotiate(List.of("v5.channel.k8s.io"), Protocols.REMOTE_COMMAND)).isEmpty();
        assertThat(Protocols.negotiate(List.of("v4.channel.k8s.io"), Protocols.PORT_FORWARD)).isEmpty();
        assertThat(Protocols.negotiate(List.of(), Protocols.REMOTE_COMMAND)).isEmpty();
    }

    @Test
    void negotiate_webSocketClientNamingNone_getsTheUnnamedBinaryProtocol() {
        assertThat(Protocols.negotiate(List.of(), Protocols.WEBSOCKET_REMOTE_COMMAND)).contains("");
        assertThat(Protocols.negotiate(List.of(), Protocols.WEBSOCKET_PORT_FORWARD)).contains("");
        assertThat(Protocols.negotiate(List.of("v4.base64.channel.k8s.io, v4.channel.k8s.io"),
                Protocols.WEBSOCKET_REMOTE_COMMAND)).contains("v4.base64.channel.k8s.io");
        assertThat(Protocols.negotiate(List.of("v5.channel.k8s.io"), Protocols.WEBSOCKET_PORT_FORWARD))
                .as("port forwarding has no v5").isEmpty();
    }

    @Test
    void reportsStatusObject_v4AndV5Only() {
        assertThat(List.of(Protocols.V4, Protocols.WS_V4_BASE64, Protocols.WS_V5))
                .allMatch(Protocols::reportsStatusObject);
        assertThat(List.of(Protocols.V3, Protocols.V2, Protocols.V1, Protocols.WS_BASE64, Protocols.WS_NONE))
                .noneMatch(Protocols::reportsStatusObject);
    }

    @Test
    void expectedStreams_followRequestAndProtocol() {
        assertThat(ExecSession.expectedStreams(Protocols.V4, false, false, true, true))
                .isEqualTo(Set.of("error", "stdout", "stderr"));
        assertThat(ExecSession.expectedStreams(Protocols.V4, true, true, true, true))
                .as("a terminal has no separate stderr but a resize stream")
                .isEqualTo(Set.of("error", "stdin", "stdout", "resize"));
        assertThat(ExecSession.expectedStreams(Protocols.V2, true, true, true, false))
                .as("resize streams came with v3").isEqualTo(Set.of("error", "stdin", "stdout"));
    }
}

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

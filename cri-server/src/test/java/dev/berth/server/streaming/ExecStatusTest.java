package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExecStatusTest {

    @Test
    void encode_v4Success_isSuccessStatus() {
        assertThat(text(ExecStatus.exited(0).encode(Protocols.V4, "[true]")))
                .isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    }

    @Test
    void encode_v4NonZeroExit_carriesExitCodeCause() {
        assertThat(text(ExecStatus.exited(3).encode(Protocols.V4, "[sh -c exit 3]"))).isEqualTo(
                "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: "
                        + "error executing command [sh -c exit 3], exit code 3\",\"reason\":\"NonZeroExitCode\","
                        + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");
    }

    @Test
    void encode_v4CannotRun_isInternalError() {
        assertThat(text(ExecStatus.failed("container is not running").encode(Protocols.V4, "[ls]"))).isEqualTo(
                "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Internal error occurred: error executing "
                        + "command in container: container is not running\",\"reason\":\"InternalError\","
                        + "\"details\":{\"causes\":[{\"message\":\"container is not running\"}]},\"code\":500}");
    }

    @Test
    void encode_webSocketV4BaseAndV5_statusObjectAsOnV4() {
        byte[] v4 = ExecStatus.exited(3).encode(Protocols.V4, "[false]");
        assertThat(ExecStatus.exited(3).encode(Protocols.WS_V4_BASE64, "[false]")).isEqualTo(v4);
        assertThat(ExecStatus.exited(3).encode(Protocols.WS_V5, "[false]")).isEqualTo(v4);
        assertThat(ExecStatus.exited(0).encode(Protocols.WS_BASE64, "[true]")).as("base64 v1").isEmpty();
    }

    @Test
    void encode_olderProtocols_plainMessageOrNothing() {
        assertThat(ExecStatus.exited(0).encode(Protocols.V3, "[true]")).isEmpty();
        assertThat(text(ExecStatus.exited(2).encode(Protocols.V1, "[false]")))
                .isEqualTo("command terminated with non-zero exit code: error executing command [false], exit code 2");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

package dev.berth.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.VersionRequest;
import dev.berth.cri.v1.VersionResponse;
import dev.berth.server.BuildInfo;
import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void handle_any_namesBerthItsVersionAndCriV1() {
        VersionResponse response = new Version().handle(VersionRequest.newBuilder().setVersion("0.1.0").build());

        assertThat(response.getVersion()).isEqualTo("0.1.0");
        assertThat(response.getRuntimeName()).isEqualTo("berth");
        assertThat(response.getRuntimeVersion()).isEqualTo(BuildInfo.version()).isNotEmpty();
        assertThat(response.getRuntimeApiVersion()).isEqualTo("v1");
    }
}

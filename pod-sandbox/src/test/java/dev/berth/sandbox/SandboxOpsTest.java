package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SandboxOpsTest {

    @Test
    void hostname_givenInConfig_isUsed() {
        PodSandboxConfig config = PodSandboxConfig.newBuilder().setHostname("web-0")
                .setMetadata(PodSandboxMetadata.newBuilder().setName("a-much-longer-pod-name")).build();

        assertThat(SandboxOps.hostname(config)).isEqualTo("web-0");
    }

    @Test
    void hostname_notGiven_isTheNodes() throws IOException {
        PodSandboxConfig config = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("pod-name-that-is-not-a-hostname")).build();

        assertThat(SandboxOps.hostname(config))
                .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }
}

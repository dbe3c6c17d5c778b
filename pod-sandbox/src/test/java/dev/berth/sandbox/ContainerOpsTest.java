package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.Signal;
import dev.berth.host.BerthException;
import dev.berth.oci.ImageSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerOpsTest {

    private static ImageSpec image(String stopSignal) {
        return new ImageSpec(List.of(), List.of(), List.of(), "", "", stopSignal);
    }

    @Test
    void stopSignal_criSignalSet_winsOverImage() {
        ContainerConfig c = ContainerConfig.newBuilder().setStopSignal(Signal.SIGNAL_SIGINT).build();
        assertThat(ContainerOps.stopSignal(c, image("SIGQUIT"))).isEqualTo("SIGINT");
    }

    @Test
    void stopSignal_onlyImage_usesImage() {
        assertThat(ContainerOps.stopSignal(ContainerConfig.getDefaultInstance(), image("SIGQUIT")))
                .isEqualTo("SIGQUIT");
    }

    @Test
    void stopSignal_nothingSet_defaultsToSigterm() {
        assertThat(ContainerOps.stopSignal(ContainerConfig.getDefaultInstance(), image(""))).isEqualTo("SIGTERM");
    }

    @Test
    void logPath_bothSet_joinsDirectoryAndPath() {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setLogDirectory("/var/log/pods/x").build();
        ContainerConfig c = ContainerConfig.newBuilder().setLogPath("app/0.log").build();

        assertThat(ContainerOps.logPath(pod, c, Path.of("/b"))).isEqualTo(Path.of("/var/log/pods/x/app/0.log"));
    }

    @Test
    void logPath_missingDirectory_usesBundle() {
        ContainerConfig c = ContainerConfig.newBuilder().setLogPath("app/0.log").build();

        assertThat(ContainerOps.logPath(PodSandboxConfig.getDefaultInstance(), c, Path.of("/b")))
                .isEqualTo(Path.of("/b/container.log"));
    }

    @Test
    void logPath_escapingPath_throwsInvalidArgument() {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setLogDirectory("/var/log/pods/x").build();
        ContainerConfig c = ContainerConfig.newBuilder().setLogPath("../../etc/passwd").build();

        assertThatThrownBy(() -> ContainerOps.logPath(pod, c, Path.of("/b")))
                .isInstanceOf(BerthException.InvalidArgument.class);
    }

    @Test
    void reasonFor_exitCodes_mapsToCriReasons() {
        assertThat(ContainerRecord.reasonFor(0, false)).isEqualTo("Completed");
        assertThat(ContainerRecord.reasonFor(137, false)).isEqualTo("Error");
        assertThat(ContainerRecord.reasonFor(137, true)).isEqualTo("OOMKilled");
    }

    @Test
    void timeout_beyondTheNanosecondClock_isACenturyThatDeadlinesCanHold() {
        java.time.Duration longest = Processes.timeout(Long.MAX_VALUE);

        assertThat(longest).isEqualTo(Processes.LONGEST_WAIT);
        assertThat(longest.toNanos()).isPositive();
        assertThat(Processes.timeout(30)).isEqualTo(java.time.Duration.ofSeconds(30));
    }

    @Test
    void logPath_longerThanPathMax_invalidNamingLogPath() {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setLogDirectory("/var/log/pods/" + "d".repeat(3200))
                .build();
        ContainerConfig c = ContainerConfig.newBuilder().setLogPath("app/" + "x".repeat(250) + "/"
                + "y".repeat(250) + "/" + "z".repeat(250) + "/" + "w".repeat(250) + "/0.log").build();

        assertThatThrownBy(() -> ContainerOps.logPath(pod, c, Path.of("/b")))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("log_path"));
    }
}

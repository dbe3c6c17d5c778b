package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.Device;
import dev.berth.host.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostDeviceTest {

    @TempDir
    Path dir;

    private static Device device(String hostPath) {
        return Device.newBuilder().setHostPath(hostPath).setContainerPath("/dev/x").build();
    }

    @Test
    void of_characterDevice_readsItsNumbers() {
        var found = HostDevice.of(List.of(device("/dev/null"), device("/dev/null")));

        assertThat(found).containsOnlyKeys("/dev/null");
        HostDevice n = found.get("/dev/null");
        assertThat(n.type()).isEqualTo("c");
        assertThat(n.major()).isEqualTo(1);
        assertThat(n.minor()).isEqualTo(3);
    }

    @Test
    void of_regularFile_isInvalidNamingTheField() throws Exception {
        Path file = Files.createFile(dir.resolve("plain"));

        assertThatThrownBy(() -> HostDevice.of(List.of(device("/dev/null"), device(file.toString()))))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("devices[1].host_path"))
                .hasMessageContaining("is not a device node");
    }

    @Test
    void of_missingPath_isInvalidNamingTheField() {
        assertThatThrownBy(() -> HostDevice.of(List.of(device(dir.resolve("absent").toString()))))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("devices[0].host_path"));
    }
}

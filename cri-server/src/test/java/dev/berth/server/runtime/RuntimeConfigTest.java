package dev.berth.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.CgroupDriver;
import dev.berth.cri.v1.RuntimeConfigRequest;
import dev.berth.cri.v1.RuntimeConfigResponse;
import dev.berth.server.fakes.Fakes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeConfigTest {

    @Test
    void handle_cgroupfsDriver_setsCgroupfsExplicitly() {
        RuntimeConfigResponse response = new RuntimeConfig(Fakes.create().services())
                .handle(RuntimeConfigRequest.getDefaultInstance());

        // SYSTEMD is the enum's zero value: an unset field would tell kubelet to use systemd.
        assertThat(response.hasLinux()).isTrue();
        assertThat(response.getLinux().getCgroupDriver()).isEqualTo(CgroupDriver.CGROUPFS);
        assertThat(response.getLinux().getCgroupDriverValue()).isNotZero();
    }

    @Test
    void handle_systemdDriver_setsSystemd() {
        RuntimeConfigResponse response = new RuntimeConfig(Fakes.create(Map.of("runtime.cgroup_driver", "systemd"))
                .services()).handle(RuntimeConfigRequest.getDefaultInstance());

        assertThat(response.hasLinux()).isTrue();
        assertThat(response.getLinux().getCgroupDriver()).isEqualTo(CgroupDriver.SYSTEMD);
    }
}

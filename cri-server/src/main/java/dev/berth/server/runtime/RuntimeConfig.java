package dev.berth.server.runtime;

import dev.berth.cri.v1.CgroupDriver;
import dev.berth.cri.v1.LinuxRuntimeConfiguration;
import dev.berth.cri.v1.RuntimeConfigRequest;
import dev.berth.cri.v1.RuntimeConfigResponse;
import dev.berth.server.Services;

/**
 * RuntimeConfig: tells kubelet which cgroup driver to use. The enum's zero value means systemd, so
 * cgroupfs is always set explicitly.
 */
public final class RuntimeConfig {

    private final Services services;

    public RuntimeConfig(Services services) {
        this.services = services;
    }

    public RuntimeConfigResponse handle(RuntimeConfigRequest request) {
        CgroupDriver driver = "systemd".equals(services.config().runtime().cgroupDriver())
                ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS;
        return RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(driver))
                .build();
    }
}

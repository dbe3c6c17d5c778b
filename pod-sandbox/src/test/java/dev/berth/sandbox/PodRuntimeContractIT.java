package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cgroups.CgroupfsCgroups;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link SandboxRuntimeContract} for {@link PodRuntime}, as root with real runc, conmon and namespaces (no
 * CNI). After each test the runtime's own remove operations take down whatever the test left, and nothing may
 * remain: mounts, cgroups, conmon processes, state files.
 */
class PodRuntimeContractIT extends SandboxRuntimeContract {

    private final CgroupfsCgroups cgroups = CgroupfsCgroups.detect();
    private RuncTestBed bed;
    private PodRuntime runtime;

    @Override
    protected SandboxRuntime newRuntime() throws IOException {
        bed = RuncTestBed.create();
        cgroups.create(kubeletCgroupParent());
        runtime = bed.newRuntime();
        return runtime;
    }

    @Override
    protected Path rootfs() {
        return bed.rootfs();
    }

    @Override
    protected String defaultCgroupParent() {
        return bed.cgroupParent();
    }

    /** Next to the bed's default parent, so that its leak check does not count it. */
    @Override
    protected String kubeletCgroupParent() {
        return bed.cgroupParent() + "-kubepods";
    }

    @AfterEach
    void removeEverything() throws IOException {
        if (bed == null) {
            return;
        }
        try {
            if (runtime != null) {
                RuncTestBed.removeEverything(runtime);
                runtime.close();
            }
            bed.assertNothingLeaked();
            assertThat(cgroups.children(kubeletCgroupParent())).as("cgroups under kubelet's parent").isEmpty();
        } finally {
            cgroups.remove(kubeletCgroupParent());
            bed.close();
        }
    }
}

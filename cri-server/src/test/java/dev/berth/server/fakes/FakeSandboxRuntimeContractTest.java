package dev.berth.server.fakes;

import dev.berth.sandbox.SandboxRuntime;
import dev.berth.sandbox.SandboxRuntimeContract;
import java.nio.file.Path;

/**
 * The {@link SandboxRuntimeContract} for {@link FakeSandboxRuntime}: the handler tests' runtime must answer as
 * {@code PodRuntime} does, which the same contract checks with real runc and conmon.
 */
class FakeSandboxRuntimeContractTest extends SandboxRuntimeContract {

    @Override
    protected SandboxRuntime newRuntime() {
        return new FakeSandboxRuntime(new CallLog());
    }

    /** The fake reads no files: any path stands for the root filesystem. */
    @Override
    protected Path rootfs() {
        return Path.of("/nonexistent/rootfs");
    }

    @Override
    protected String defaultCgroupParent() {
        return FakeSandboxRuntime.DEFAULT_CGROUP_PARENT;
    }

    /** The fake keeps no cgroups: any parent stands for one that exists. */
    @Override
    protected String kubeletCgroupParent() {
        return "/kubepods/besteffort/pod-contract";
    }
}

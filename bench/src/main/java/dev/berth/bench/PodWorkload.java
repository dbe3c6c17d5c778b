package dev.berth.bench;

import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;

/** RunPodSandbox, PodSandboxStatus, StopPodSandbox and RemovePodSandbox of one pod at a time, and their sum. */
final class PodWorkload implements Workload {

    private final PodConfigs configs;
    private final boolean sharedPid;

    PodWorkload(PodConfigs configs, boolean sharedPid) {
        this.configs = configs;
        this.sharedPid = sharedPid;
    }

    @Override
    public String name() {
        return sharedPid ? "pod-shared-pid" : "pod";
    }

    @Override
    public void run(Target target, int runs, Samples samples, Measurements measurements) {
        for (int i = 0; i < runs; i++) {
            PodSandboxConfig config = configs.pod(target, sharedPid);
            long start = System.nanoTime();
            String id = target.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                    .getPodSandboxId();
            long ran = System.nanoTime();
            target.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build());
            long statused = System.nanoTime();
            target.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            long stopped = System.nanoTime();
            target.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            long removed = System.nanoTime();
            samples.add(name() + "/RunPodSandbox", ran - start);
            samples.add(name() + "/PodSandboxStatus", statused - ran);
            samples.add(name() + "/StopPodSandbox", stopped - statused);
            samples.add(name() + "/RemovePodSandbox", removed - stopped);
            samples.add(name() + "/total", removed - start);
        }
    }
}

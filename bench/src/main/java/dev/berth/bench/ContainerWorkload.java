package dev.berth.bench;

import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.RemoveContainerRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;

/**
 * CreateContainer, StartContainer, ContainerStatus, StopContainer (timeout 0: SIGKILL at once) and RemoveContainer
 * of one {@code sleep 3600} container at a time, all in one pod, and their sum.
 */
final class ContainerWorkload implements Workload {

    private final PodConfigs configs;

    ContainerWorkload(PodConfigs configs) {
        this.configs = configs;
    }

    @Override
    public String name() {
        return "container";
    }

    @Override
    public void run(Target target, int runs, Samples samples, Measurements measurements) {
        PodSandboxConfig pod = configs.pod(target, false);
        String podId = target.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                .getPodSandboxId();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            String id = target.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId).setSandboxConfig(pod).setConfig(configs.sleeper("sleeper-" + i))
                    .build()).getContainerId();
            long created = System.nanoTime();
            target.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            long started = System.nanoTime();
            target.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build());
            long statused = System.nanoTime();
            target.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
            long stopped = System.nanoTime();
            target.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
            long removed = System.nanoTime();
            samples.add("container/CreateContainer", created - start);
            samples.add("container/StartContainer", started - created);
            samples.add("container/ContainerStatus", statused - started);
            samples.add("container/StopContainer", stopped - statused);
            samples.add("container/RemoveContainer", removed - stopped);
            samples.add("container/total", removed - start);
        }
        target.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        target.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }
}

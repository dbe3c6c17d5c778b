package dev.berth.bench;

import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.StartContainerRequest;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * ListPodSandbox and ListContainers with {@code pods} pods of one running container each, and the runtime's
 * memory at that point: its daemon and the monitor processes (conmon, shims) that appeared while the pods started.
 */
final class ListWorkload implements Workload {

    private final PodConfigs configs;
    private final int pods;
    private final List<String> monitorNames;

    ListWorkload(PodConfigs configs, int pods, List<String> monitorNames) {
        this.configs = configs;
        this.pods = pods;
        this.monitorNames = List.copyOf(monitorNames);
    }

    @Override
    public String name() {
        return "list";
    }

    @Override
    public void run(Target target, int runs, Samples samples, Measurements measurements) throws IOException {
        Set<Long> monitorsBefore = Memory.processesNamed(monitorNames);
        for (int i = 0; i < pods; i++) {
            PodSandboxConfig pod = configs.pod(target, false);
            String podId = target.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                    .getPodSandboxId();
            String id = target.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId).setSandboxConfig(pod).setConfig(configs.sleeper("sleeper")).build())
                    .getContainerId();
            target.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        }
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            target.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
            long podsListed = System.nanoTime();
            target.runtime().listContainers(ListContainersRequest.getDefaultInstance());
            long containersListed = System.nanoTime();
            samples.add("list/ListPodSandbox", podsListed - start);
            samples.add("list/ListContainers", containersListed - podsListed);
        }
        Set<Long> monitors = Memory.processesNamed(monitorNames);
        monitors.removeAll(monitorsBefore);
        Memory daemon = target.daemonPid > 0 ? Memory.of(target.daemonPid) : Memory.NONE;
        measurements.memory(new MemoryUse(pods, daemon, monitors.size(), Memory.sum(monitors)));
        target.removeEverything();
    }
}

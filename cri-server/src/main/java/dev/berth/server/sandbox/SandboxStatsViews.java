package dev.berth.server.sandbox;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.LinuxPodSandboxStats;
import dev.berth.cri.v1.NetworkInterfaceUsage;
import dev.berth.cri.v1.NetworkUsage;
import dev.berth.cri.v1.PodSandboxAttributes;
import dev.berth.cri.v1.PodSandboxStats;
import dev.berth.cri.v1.ProcessUsage;
import dev.berth.host.Clock;
import dev.berth.sandbox.InterfaceUsage;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Services;
import dev.berth.server.views.UsageViews;
import java.util.List;
import java.util.Optional;

/**
 * Builds a pod's stats: the pod cgroup's cpu, memory and process count, the counters of its network interfaces
 * and the stats of each of its containers. Stateless apart from the services it reads.
 */
final class SandboxStatsViews {

    // CNI plugins name the pod's primary interface eth0; kubelet reads default_interface for its network stats.
    private static final String DEFAULT_INTERFACE = "eth0";

    private final Services services;

    SandboxStatsViews(Services services) {
        this.services = services;
    }

    PodSandboxStats stats(SandboxInfo sandbox) {
        Optional<ResourceUsage> usage = services.runtime().sandboxUsage(sandbox.id());
        long now = usage.map(ResourceUsage::timestampNanos).orElseGet(Clock.SYSTEM::nowNanos);
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
        usage.ifPresent(u -> {
            if (u.hasCpu()) {
                linux.setCpu(UsageViews.cpu(u));
            }
            if (u.hasMemory()) {
                linux.setMemory(UsageViews.memory(u));
            }
            if (u.hasPids()) {
                linux.setProcess(ProcessUsage.newBuilder().setTimestamp(now)
                        .setProcessCount(UsageViews.value(u.pids())));
            }
        });
        List<InterfaceUsage> interfaces = services.runtime().sandboxInterfaces(sandbox.id());
        if (!interfaces.isEmpty()) {
            linux.setNetwork(network(interfaces, now));
        }
        linux.addAllContainers(UsageViews.containers(services, ContainerStatsFilter.newBuilder()
                .setPodSandboxId(sandbox.id()).build()));
        return PodSandboxStats.newBuilder()
                .setAttributes(PodSandboxAttributes.newBuilder()
                        .setId(sandbox.id())
                        .setMetadata(sandbox.config().getMetadata())
                        .putAllLabels(sandbox.config().getLabelsMap())
                        .putAllAnnotations(sandbox.config().getAnnotationsMap()))
                .setLinux(linux)
                .build();
    }

    static NetworkUsage network(List<InterfaceUsage> interfaces, long timestampNanos) {
        NetworkUsage.Builder network = NetworkUsage.newBuilder().setTimestamp(timestampNanos);
        for (InterfaceUsage i : interfaces) {
            network.addInterfaces(NetworkInterfaceUsage.newBuilder()
                    .setName(i.name())
                    .setRxBytes(UsageViews.value(i.rxBytes()))
                    .setRxErrors(UsageViews.value(i.rxErrors()))
                    .setTxBytes(UsageViews.value(i.txBytes()))
                    .setTxErrors(UsageViews.value(i.txErrors())));
        }
        NetworkInterfaceUsage fallback = network.getInterfaces(0);
        network.setDefaultInterface(network.getInterfacesList().stream()
                .filter(i -> i.getName().equals(DEFAULT_INTERFACE)).findFirst().orElse(fallback));
        return network.build();
    }
}

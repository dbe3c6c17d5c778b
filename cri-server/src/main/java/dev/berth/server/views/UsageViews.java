package dev.berth.server.views;

import dev.berth.cgroups.ResourceUsage;
import dev.berth.cri.v1.ContainerAttributes;
import dev.berth.cri.v1.ContainerStats;
import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.CpuUsage;
import dev.berth.cri.v1.FilesystemIdentifier;
import dev.berth.cri.v1.FilesystemUsage;
import dev.berth.cri.v1.MemoryUsage;
import dev.berth.cri.v1.SwapUsage;
import dev.berth.cri.v1.UInt64Value;
import dev.berth.image.FsUsage;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.server.Services;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Renders usage samples as CRI stats messages, for containers and (cpu and memory) for pod sandboxes. A figure the
 * host did not provide is left out rather than reported as 0, so kubelet can tell "unknown" from "idle".
 * Stateless.
 */
public final class UsageViews {

    private UsageViews() {
    }

    public static CpuUsage cpu(ResourceUsage usage) {
        return CpuUsage.newBuilder()
                .setTimestamp(usage.timestampNanos())
                .setUsageCoreNanoSeconds(value(usage.cpuUsageCoreNanos()))
                .build();
    }

    public static MemoryUsage memory(ResourceUsage usage) {
        MemoryUsage.Builder memory = MemoryUsage.newBuilder()
                .setTimestamp(usage.timestampNanos())
                .setUsageBytes(value(usage.memoryUsageBytes()))
                .setWorkingSetBytes(value(usage.memoryWorkingSetBytes()));
        if (usage.memoryLimitBytes() > 0) {
            memory.setAvailableBytes(value(Math.max(0, usage.memoryLimitBytes() - usage.memoryWorkingSetBytes())));
        }
        if (usage.memoryRssBytes() >= 0) {
            memory.setRssBytes(value(usage.memoryRssBytes()));
        }
        if (usage.pageFaults() >= 0) {
            memory.setPageFaults(value(usage.pageFaults()));
        }
        if (usage.majorPageFaults() >= 0) {
            memory.setMajorPageFaults(value(usage.majorPageFaults()));
        }
        return memory.build();
    }

    public static SwapUsage swap(ResourceUsage usage) {
        return SwapUsage.newBuilder()
                .setTimestamp(usage.timestampNanos())
                .setSwapUsageBytes(value(usage.swapUsageBytes()))
                .build();
    }

    public static FilesystemUsage filesystem(FsUsage usage) {
        return FilesystemUsage.newBuilder()
                .setTimestamp(usage.timestampNanos())
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(usage.mountpoint().toString()))
                .setUsedBytes(value(usage.usedBytes()))
                .setInodesUsed(value(usage.inodesUsed()))
                .build();
    }

    /**
     * A container's stats: its attributes always, its writable layer when it has one, and cpu, memory and swap
     * while its cgroup exists (a container that exited and was cleaned up has none, as with containerd).
     */
    public static ContainerStats container(ContainerInfo container, Optional<ResourceUsage> usage,
                                    Optional<FsUsage> writableLayer) {
        ContainerStats.Builder stats = ContainerStats.newBuilder()
                .setAttributes(ContainerAttributes.newBuilder()
                        .setId(container.id())
                        .setMetadata(container.config().getMetadata())
                        .putAllLabels(container.config().getLabelsMap())
                        .putAllAnnotations(container.config().getAnnotationsMap()));
        writableLayer.ifPresent(layer -> stats.setWritableLayer(filesystem(layer)));
        usage.ifPresent(u -> {
            if (u.hasCpu()) {
                stats.setCpu(cpu(u));
            }
            if (u.hasMemory()) {
                stats.setMemory(memory(u));
            }
            if (u.hasSwap()) {
                stats.setSwap(swap(u));
            }
        });
        return stats.build();
    }

    public static UInt64Value value(long v) {
        return UInt64Value.newBuilder().setValue(v).build();
    }

    /** The stats of the containers {@code filter} selects, oldest first: ListContainerStats and PodSandboxStats. */
    public static List<ContainerStats> containers(Services services, ContainerStatsFilter filter) {
        return services.runtime().containers().stream()
                .filter(c -> matches(filter, c))
                .sorted(Comparator.comparingLong(ContainerInfo::createdAtNanos))
                .map(c -> container(c, services.runtime().containerUsage(c.id()),
                        services.images().containerFsUsage(c.id())))
                .toList();
    }

    static boolean matches(ContainerStatsFilter filter, ContainerInfo container) {
        if (!filter.getId().isEmpty() && !container.id().startsWith(filter.getId())) {
            return false;
        }
        if (!filter.getPodSandboxId().isEmpty() && !container.sandboxId().startsWith(filter.getPodSandboxId())) {
            return false;
        }
        return Labels.matches(filter.getLabelSelectorMap(), container.config().getLabelsMap());
    }
}

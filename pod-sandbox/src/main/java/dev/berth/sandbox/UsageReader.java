package dev.berth.sandbox;

import dev.berth.cgroups.CgroupPaths;
import dev.berth.cgroups.ResourceUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Samples what pods and containers use: their cgroups, and the interface counters of a pod's network namespace.
 * Reads snapshots of the stores without taking locks, so a sample never waits behind a slow stop. Thread-safe.
 */
final class UsageReader {

    private final Env env;
    private final Path procRoot;

    UsageReader(Env env, Path procRoot) {
        this.env = env;
        this.procRoot = procRoot;
    }

    Optional<ResourceUsage> container(String id) {
        return env.containers().get(id).flatMap(c -> env.sandboxes().get(c.sandboxId())
                .flatMap(s -> env.cgroups().usage(CgroupPaths.container(s.cgroupParent(), id))));
    }

    Optional<ResourceUsage> sandbox(String id) {
        return env.sandboxes().get(id).flatMap(s -> env.cgroups().usage(s.cgroupParent()));
    }

    List<InterfaceUsage> interfaces(String id) {
        Optional<SandboxRecord> found = env.sandboxes().get(id);
        if (found.isEmpty() || found.get().netns() == null || found.get().state() != SandboxState.READY) {
            return List.of();
        }
        SandboxRecord sandbox = found.get();
        Path netns = Path.of(sandbox.netns());
        for (long pid : pidsIn(sandbox)) {
            Optional<List<InterfaceUsage>> counters = NetDev.read(procRoot, pid, netns);
            if (counters.isPresent()) {
                return counters.get();
            }
        }
        return List.of();
    }

    /** Processes that joined the pod's network namespace: the infra process, then running containers. */
    private List<Long> pidsIn(SandboxRecord sandbox) {
        List<Long> pids = new ArrayList<>();
        if (sandbox.infraPid() > 0) {
            pids.add(sandbox.infraPid());
        }
        for (ContainerRecord c : env.containers().list()) {
            if (c.sandboxId().equals(sandbox.id()) && c.pid() > 0 && c.state() == ContainerState.RUNNING) {
                pids.add(c.pid());
            }
        }
        return pids;
    }
}

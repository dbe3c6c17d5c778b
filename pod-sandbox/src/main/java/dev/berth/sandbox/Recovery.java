package dev.berth.sandbox;

import dev.berth.host.FileTrees;
import dev.berth.host.MountTable;
import dev.berth.ns.NamespacePinner;
import dev.berth.runc.RuncState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reconciles stored state with what the host still has, and removes what was half made. Run before serving. */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final java.util.regex.Pattern SANDBOX_ID = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private final Env env;
    private final ContainerOps containers;
    private final SandboxOps sandboxOps;
    private final java.util.function.Consumer<SandboxInfo> beforeRemovingUnfinished;

    Recovery(Env env, ContainerOps containers, SandboxOps sandboxOps,
             java.util.function.Consumer<SandboxInfo> beforeRemovingUnfinished) {
        this.env = env;
        this.containers = containers;
        this.sandboxOps = sandboxOps;
        this.beforeRemovingUnfinished = beforeRemovingUnfinished;
    }

    void run() {
        List<SandboxRecord> sandboxes = new java.util.ArrayList<>(env.sandboxes().load());
        List<ContainerRecord> ctrs = env.containers().load();
        for (SandboxRecord s : List.copyOf(sandboxes)) {
            env.sandboxNames().reserve(s.name(), s.id());
            if (!s.setUp()) {
                // RunPodSandbox never answered for it: kubelet does not know the pod, which is garbage. Its
                // network is detached first, while its network namespace is still there.
                log.info("removing sandbox {}, whose creation did not finish", s.id());
                try {
                    beforeRemovingUnfinished.accept(s.toInfo());
                } catch (RuntimeException e) {
                    log.warn("cannot detach the network of unfinished sandbox {}: {}", s.id(), e.getMessage());
                }
                try {
                    sandboxOps.remove(s.id());
                    sandboxes.remove(s);
                } catch (RuntimeException e) {
                    log.warn("cannot remove unfinished sandbox {}: {}", s.id(), e.getMessage());
                }
                continue;
            }
            if (s.state() == SandboxState.READY && !intact(s)) {
                log.info("sandbox {} lost its namespaces or infra process; marking it not ready", s.id());
                env.sandboxes().update(s.id(), r -> r.withStopped(env.now()));
            }
        }
        for (ContainerRecord c : ctrs) {
            env.containerNames().reserve(c.name(), c.id());
            try {
                ContainerRecord current = containers.refresh(c);
                if (current.state() == ContainerState.CREATED) {
                    startedUnrecorded(current);
                }
            } catch (RuntimeException e) {
                log.warn("cannot refresh container {}: {}", c.id(), e.getMessage());
            }
        }
        Set<String> sandboxIds = sandboxes.stream().map(SandboxRecord::id).collect(Collectors.toSet());
        Set<String> containerIds = ctrs.stream().map(ContainerRecord::id).collect(Collectors.toSet());
        removeOrphanBundles(containerIds, ctrs.stream().map(ContainerRecord::logPath).collect(Collectors.toSet()));
        removeOrphanSandboxes(sandboxIds);
        removeOrphanPodCgroups(sandboxIds);
    }

    /**
     * Removes the cgroups Berth made under its own parent for pods it no longer knows: the daemon died between
     * creating one and recording its pod. Names that are no sandbox id are someone else's and stay.
     */
    private void removeOrphanPodCgroups(Set<String> known) {
        String parent = env.settings().defaultCgroupParent();
        for (String child : env.cgroups().children(parent)) {
            if (SANDBOX_ID.matcher(child).matches() && !known.contains(child)) {
                log.info("removing the cgroup of half-made sandbox {}", child);
                try {
                    env.cgroups().remove(parent + "/" + child);
                } catch (RuntimeException e) {
                    log.warn("cannot remove the cgroup of half-made sandbox {}: {}", child, e.getMessage());
                }
            }
        }
    }

    /**
     * A container recorded as created that runc runs: the daemon died between {@code runc start} and recording
     * it. It counts as started now, the closest time Berth can know.
     */
    private void startedUnrecorded(ContainerRecord c) {
        Optional<RuncState> state = env.oci().state(c.id());
        if (state.isPresent() && "running".equals(state.get().status())) {
            log.info("container {} was started before the daemon stopped; recording it as running", c.id());
            env.containers().update(c.id(), r -> r.withStarted(env.now()));
        }
    }

    private boolean intact(SandboxRecord s) {
        for (String p : new String[] {s.netns(), s.ipcns(), s.utsns(), s.userns()}) {
            if (p != null && !NamespacePinner.isPinned(Path.of(p))) {
                return false;
            }
        }
        if (s.infraId() != null) {
            try {
                Optional<RuncState> st = env.oci().state(s.infraId());
                return st.isPresent() && "running".equals(st.get().status());
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private void removeOrphanBundles(Set<String> known, Set<String> logsInUse) {
        for (Path bundle : children(env.settings().stateDir().resolve("containers"))) {
            String id = bundle.getFileName().toString();
            if (known.contains(id)) {
                continue;
            }
            log.info("removing half-made container {}", id);
            try {
                Processes.destroy(env.oci(), id, bundle);
                Path logFile = bundle.resolve(ContainerOps.LOG_PATH_FILE);
                if (Files.exists(logFile)) {
                    String logPath = Files.readString(logFile).strip();
                    if (!logsInUse.contains(logPath)) {
                        Files.deleteIfExists(Path.of(logPath));
                    }
                }
                FileTrees.deleteRecursively(bundle);
            } catch (IOException | RuntimeException e) {
                log.warn("cannot remove half-made container {}: {}", id, e.getMessage());
            }
        }
    }

    private void removeOrphanSandboxes(Set<String> known) {
        for (Path dir : children(env.settings().stateDir().resolve("sandboxes"))) {
            String id = dir.getFileName().toString();
            if (known.contains(id)) {
                continue;
            }
            log.info("removing half-made sandbox {}", id);
            try {
                Path infra = dir.resolve("infra");
                if (Files.exists(infra)) {
                    Processes.destroy(env.oci(), id, infra);
                }
                for (Path m : MountTable.under(dir)) {
                    env.runner().run(List.of("umount", "--lazy", m.toString()), java.time.Duration.ofSeconds(30));
                }
                FileTrees.deleteRecursively(dir);
            } catch (RuntimeException e) {
                log.warn("cannot remove half-made sandbox {}: {}", id, e.getMessage());
            }
        }
        for (String id : env.pinner().knownIds()) {
            if (!known.contains(id)) {
                log.info("unpinning namespaces of unknown sandbox {}", id);
                env.pinner().unpinAll(id);
            }
        }
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

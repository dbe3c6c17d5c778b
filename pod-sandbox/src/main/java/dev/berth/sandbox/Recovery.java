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

    private final Env env;
    private final ContainerOps containers;

    Recovery(Env env, ContainerOps containers) {
        this.env = env;
        this.containers = containers;
    }

    void run() {
        List<SandboxRecord> sandboxes = env.sandboxes().load();
        List<ContainerRecord> ctrs = env.containers().load();
        for (SandboxRecord s : sandboxes) {
            env.sandboxNames().reserve(s.name(), s.id());
            if (s.state() == SandboxState.READY && !intact(s)) {
                log.info("sandbox {} lost its namespaces or infra process; marking it not ready", s.id());
                env.sandboxes().update(s.id(), r -> r.withStopped(env.now()));
            }
        }
        for (ContainerRecord c : ctrs) {
            env.containerNames().reserve(c.name(), c.id());
            try {
                containers.refresh(c);
            } catch (RuntimeException e) {
                log.warn("cannot refresh container {}: {}", c.id(), e.getMessage());
            }
        }
        Set<String> sandboxIds = sandboxes.stream().map(SandboxRecord::id).collect(Collectors.toSet());
        Set<String> containerIds = ctrs.stream().map(ContainerRecord::id).collect(Collectors.toSet());
        removeOrphanBundles(containerIds);
        removeOrphanSandboxes(sandboxIds);
    }

    private boolean intact(SandboxRecord s) {
        for (String p : new String[] {s.netns(), s.ipcns(), s.utsns()}) {
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

    private void removeOrphanBundles(Set<String> known) {
        for (Path bundle : children(env.settings().stateDir().resolve("containers"))) {
            String id = bundle.getFileName().toString();
            if (known.contains(id)) {
                continue;
            }
            log.info("removing half-made container {}", id);
            try {
                Processes.destroy(env.oci(), id, bundle);
                FileTrees.deleteRecursively(bundle);
            } catch (RuntimeException e) {
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

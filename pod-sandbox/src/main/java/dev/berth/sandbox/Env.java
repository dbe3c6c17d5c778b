package dev.berth.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cgroups.Cgroups;
import dev.berth.host.Clock;
import dev.berth.host.CommandRunner;
import dev.berth.ns.NamespacePinner;
import dev.berth.oci.HostFacts;
import dev.berth.runc.OciRuntime;
import dev.berth.store.RecordStore;
import dev.berth.store.NameRegistry;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The collaborators shared by the sandbox and container operations. Immutable; its parts are thread-safe. */
record Env(RuntimeSettings settings, CommandRunner runner, OciRuntime oci, NamespacePinner pinner, Cgroups cgroups,
           RecordStore<SandboxRecord.Meta, SandboxRecord.Status, SandboxRecord> sandboxes,
           RecordStore<ContainerRecord.Meta, ContainerRecord.Status, ContainerRecord> containers, NameRegistry sandboxNames,
           NameRegistry containerNames, Supplier<HostFacts> host, Clock clock, ObjectMapper json) {

    Path sandboxDir(String id) {
        return settings.stateDir().resolve("sandboxes").resolve(id);
    }

    Path bundleDir(String id) {
        return settings.stateDir().resolve("containers").resolve(id);
    }

    long now() {
        return clock.nowNanos();
    }
}

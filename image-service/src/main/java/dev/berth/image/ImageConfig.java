package dev.berth.image;

import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI image config a runtime needs to start a container. Immutable; collections are
 * never null and absent strings are {@code ""}.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                          String user, Map<String, String> labels, String stopSignal, List<String> volumes,
                          List<String> exposedPorts) {
    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        stopSignal = stopSignal == null ? "" : stopSignal;
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
    }
}

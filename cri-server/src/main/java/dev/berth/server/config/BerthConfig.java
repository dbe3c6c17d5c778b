package dev.berth.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The effective daemon configuration: built-in defaults overlaid by the config file, its drop-ins and flags.
 * Immutable; every field is non-null.
 */
public record BerthConfig(
        String socket,
        String root,
        String state,
        String logLevel,
        Runtime runtime,
        Cni cni,
        Registry registry,
        Metrics metrics,
        Streaming streaming,
        Images images) {

    /** How containers are run. {@code handlers} are the runtime handler names accepted besides "". */
    public record Runtime(String runc, String conmon, String catatonit, String cgroupDriver, String cgroupParent,
                          List<String> handlers) {
    }

    /** Where CNI configs and plugins live, and the bridge network written when none is configured. */
    public record Cni(String confDir, List<String> binDirs, boolean defaultNetwork, String defaultBridge,
                      String defaultSubnet) {
    }

    /** Per-registry endpoints: a host name (e.g. "registry.k8s.io") maps to the endpoints tried first. */
    public record Registry(Map<String, Mirror> mirrors) {
    }

    /** The endpoints that serve one registry host, e.g. {@code ["http://127.0.0.1:5000"]}. */
    public record Mirror(List<String> endpoints) {
    }

    /** The Prometheus endpoint; an empty address disables it. */
    public record Metrics(String address) {
    }

    /**
     * The HTTP server for exec, attach and port-forward streams (the URLs the streaming RPCs return);
     * port 0 picks a free port at start.
     */
    public record Streaming(String address) {
    }

    /**
     * What the image store accepts: {@code allowDeviceNodes} lets layers create character and block devices,
     * which are refused by default (an image could bring a node of the host's disk).
     */
    public record Images(boolean allowDeviceNodes) {
    }

    public Path socketPath() {
        return Path.of(socket);
    }

    public Path rootPath() {
        return Path.of(root);
    }

    public Path statePath() {
        return Path.of(state);
    }
}

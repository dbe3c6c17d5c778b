package dev.berth.oci;

/**
 * Which namespaces a container joins, one field per namespace kind.
 *
 * <p>Each field is either an absolute path of a namespace to join (a pinned bind mount such as
 * {@code /run/berth/ns/net/<sandboxId>}, or {@code /proc/<pid>/ns/pid}), {@code ""} for a new private
 * namespace of the container's own, or {@code null} for the host's namespace (then it is left out of the spec).
 * {@code user} is the pod's own user namespace, null for the host's. Immutable and thread-safe.
 */
public record NamespacePaths(String network, String ipc, String uts, String pid, String user) {

    /** Namespaces of a pod without a user namespace of its own. */
    public NamespacePaths(String network, String ipc, String uts, String pid) {
        this(network, ipc, uts, pid, null);
    }

    /** All namespaces are the host's. */
    public static NamespacePaths host() {
        return new NamespacePaths(null, null, null, null, null);
    }
}

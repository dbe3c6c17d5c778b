package dev.berth.ns;

import java.nio.file.Path;

/**
 * The namespace files of one sandbox: each is the bind mount that keeps a namespace alive, or null when the
 * sandbox uses the host's namespace of that kind. {@code user} is the pod's own user namespace, which owns the
 * others. Immutable.
 */
public record PinnedNamespaces(Path net, Path ipc, Path uts, Path user) {

    /** The namespaces of a pod without a user namespace of its own. */
    public PinnedNamespaces(Path net, Path ipc, Path uts) {
        this(net, ipc, uts, null);
    }

    public static PinnedNamespaces none() {
        return new PinnedNamespaces(null, null, null, null);
    }
}

package dev.berth.ns;

import java.nio.file.Path;

/**
 * The namespace files of one sandbox: each is the bind mount that keeps a namespace alive, or null when the
 * sandbox uses the host's namespace of that kind. Immutable.
 */
public record PinnedNamespaces(Path net, Path ipc, Path uts) {

    public static PinnedNamespaces none() {
        return new PinnedNamespaces(null, null, null);
    }
}

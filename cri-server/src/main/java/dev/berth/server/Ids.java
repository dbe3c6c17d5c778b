package dev.berth.server;

import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxRuntime;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Object ids: 64 hex digits, like containerd's and CRI-O's, and resolution of the unique prefixes crictl
 * users type. Every RPC names a pod in {@code pod_sandbox_id} and a container in {@code container_id}, so an
 * ambiguous prefix is an INVALID_ARGUMENT naming that field. Thread-safe.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The sandbox an id or unique id prefix names; empty when none does. Ambiguous prefixes are an error. */
    public static Optional<SandboxInfo> sandbox(SandboxRuntime runtime, String idOrPrefix) {
        Optional<SandboxInfo> exact = runtime.sandbox(idOrPrefix);
        if (exact.isPresent() || idOrPrefix.isEmpty()) {
            return exact;
        }
        List<SandboxInfo> matches = runtime.sandboxes().stream()
                .filter(s -> s.id().startsWith(idOrPrefix)).toList();
        return unique(matches, "pod_sandbox_id", idOrPrefix);
    }

    /** The container an id or unique id prefix names; empty when none does. Ambiguous prefixes are an error. */
    public static Optional<ContainerInfo> container(SandboxRuntime runtime, String idOrPrefix) {
        Optional<ContainerInfo> exact = runtime.container(idOrPrefix);
        if (exact.isPresent() || idOrPrefix.isEmpty()) {
            return exact;
        }
        List<ContainerInfo> matches = runtime.containers().stream()
                .filter(c -> c.id().startsWith(idOrPrefix)).toList();
        return unique(matches, "container_id", idOrPrefix);
    }

    /** The container an id or unique prefix names; NOT_FOUND when none does. */
    public static ContainerInfo requireContainer(SandboxRuntime runtime, String idOrPrefix) {
        return container(runtime, idOrPrefix)
                .orElseThrow(() -> BerthException.notFound("container " + idOrPrefix + " not found"));
    }

    /** The sandbox an id or unique prefix names; NOT_FOUND when none does. */
    public static SandboxInfo requireSandbox(SandboxRuntime runtime, String idOrPrefix) {
        return sandbox(runtime, idOrPrefix)
                .orElseThrow(() -> BerthException.notFound("pod sandbox " + idOrPrefix + " not found"));
    }

    private static <T> Optional<T> unique(List<T> matches, String field, String prefix) {
        if (matches.size() > 1) {
            throw BerthException.invalid(field, "\"" + prefix + "\" is an ambiguous id prefix: " + matches.size()
                    + " ids start with it");
        }
        return matches.stream().findFirst();
    }
}

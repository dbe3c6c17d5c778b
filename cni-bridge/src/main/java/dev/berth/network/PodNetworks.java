package dev.berth.network;

import dev.berth.host.BerthException;
import java.util.List;

/**
 * What the CRI server needs from the pod network: whether it is ready, attaching and detaching pods, and the
 * attachments left by an earlier run. {@link CniManager} is the real implementation, running the CNI plugins;
 * unit tests of the CRI handlers use an in-memory one.
 *
 * <p>Implementations are thread-safe; calls for one sandbox are serialized. Arguments must not be null and
 * results are never null. Failures are {@link BerthException}s (plugin failures, no usable config) or
 * {@link IllegalArgumentException}s (malformed requests).
 */
public interface PodNetworks {

    /** The CRI NetworkReady condition: ready, or not with the reason and message kubelet shows. */
    NetworkStatus status();

    /**
     * Attaches the pod in {@code req.netnsPath()} (required) and returns its addresses. A failure leaves no
     * attachment behind.
     */
    PodNetwork attach(PodNetworkRequest req);

    /**
     * Detaches the pod; succeeds for a pod never attached or already detached, and for a netns path that no
     * longer exists.
     */
    void detach(PodNetworkRequest req);

    /** Sandbox ids with a recorded attachment, sorted; used to detach pods that vanished while down. */
    List<String> cachedSandboxIds();
}

package dev.berth.network;

/**
 * The CRI {@code NetworkReady} condition as the CNI layer sees it.
 *
 * <p>Immutable. When ready, {@code reason} and {@code message} are empty; never null.
 */
public record NetworkStatus(boolean ready, String reason, String message) {

    /** The CRI reason kubelet expects when the network is not usable. */
    public static final String NOT_READY_REASON = "NetworkPluginNotReady";

    static NetworkStatus ok() {
        return new NetworkStatus(true, "", "");
    }

    static NetworkStatus notReady(String message) {
        return new NetworkStatus(false, NOT_READY_REASON, message);
    }
}

package dev.berth.network;

import java.util.List;

/**
 * The outcome of attaching a pod: which network, the pod-side interface, its addresses and the raw CNI result.
 *
 * <p>Immutable; no component is null.
 *
 * @param networkName the {@code name} of the network config used
 * @param interfaceName the interface inside the pod, "eth0"
 * @param ips plain addresses (no prefix length) of that interface, IPv4 first
 * @param resultJson the final CNI result as the last plugin printed it
 */
public record PodNetwork(String networkName, String interfaceName, List<String> ips, String resultJson) {

    public PodNetwork {
        ips = List.copyOf(ips);
    }

    /** The first address (IPv4 if any), or empty when the network assigned none. */
    public String primaryIp() {
        return ips.isEmpty() ? "" : ips.get(0);
    }
}

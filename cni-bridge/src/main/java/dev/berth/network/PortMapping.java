package dev.berth.network;

import dev.berth.host.BerthException;
import java.util.Locale;
import java.util.Set;

/**
 * One port of a pod published on the host, passed to plugins with the {@code portMappings} capability.
 *
 * <p>Immutable. {@code hostIp} may be null or empty (all host addresses). A mapping whose {@code hostPort}
 * is 0 is not published (the CRI uses it to only declare a container port).
 *
 * @param protocol "tcp", "udp" or "sctp" (case-insensitive; stored lower case)
 * @param containerPort port inside the pod, 1..65535
 * @param hostPort port on the host, 0..65535
 * @param hostIp host address to bind, or null/empty for all
 */
public record PortMapping(String protocol, int containerPort, int hostPort, String hostIp) {

    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

    public PortMapping {
        protocol = protocol == null || protocol.isBlank() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw BerthException.invalidArgument("unsupported port protocol: " + protocol);
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw BerthException.invalidArgument("hostPort out of range: " + hostPort);
        }
        if (containerPort < 0 || containerPort > 65535 || (hostPort > 0 && containerPort == 0)) {
            throw BerthException.invalidArgument("containerPort out of range: " + containerPort);
        }
        hostIp = hostIp == null ? "" : hostIp.strip();
    }
}

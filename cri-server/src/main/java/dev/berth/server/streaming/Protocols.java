package dev.berth.server.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stream sub-protocols and their negotiation: the client lists the versions it speaks in
 * {@code X-Stream-Protocol-Version} headers, best first, and the first one the server also speaks wins.
 * Stateless.
 */
final class Protocols {

    static final String HEADER = "X-Stream-Protocol-Version";
    static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";

    /** exec and attach: v4 reports the exit code as a JSON status; v1 to v3 report failures as plain text. */
    static final String V4 = "v4.channel.k8s.io";
    static final String V3 = "v3.channel.k8s.io";
    static final String V2 = "v2.channel.k8s.io";
    static final String V1 = "channel.k8s.io";
    static final List<String> REMOTE_COMMAND = List.of(V4, V3, V2, V1);

    static final String PORT_FORWARD_V1 = "portforward.k8s.io";
    static final List<String> PORT_FORWARD = List.of(PORT_FORWARD_V1);

    private Protocols() {
    }

    /**
     * The client's most preferred protocol that the server supports, or empty. A header value may also
     * carry several protocols separated by commas.
     */
    static Optional<String> negotiate(List<String> clientHeaders, List<String> serverProtocols) {
        for (String protocol : split(clientHeaders)) {
            if (serverProtocols.contains(protocol)) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }

    static List<String> split(List<String> headers) {
        List<String> protocols = new ArrayList<>();
        for (String header : headers) {
            for (String part : header.split(",")) {
                if (!part.isBlank()) {
                    protocols.add(part.strip());
                }
            }
        }
        return protocols;
    }

    /** Whether the protocol expects a stream for terminal resize events when a TTY is used (v3 and later). */
    static boolean hasResizeStream(String protocol) {
        return protocol.equals(V3) || protocol.equals(V4);
    }
}

package dev.berth.server.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stream sub-protocols and their negotiation, as kubelet's streaming library serves them. Over SPDY the
 * client lists the versions it speaks in {@code X-Stream-Protocol-Version} headers; over WebSocket in
 * {@code Sec-WebSocket-Protocol}. Either way the client's most preferred one the server also speaks wins.
 * Stateless.
 */
final class Protocols {

    static final String HEADER = "X-Stream-Protocol-Version";
    static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";
    static final String WEBSOCKET_HEADER = "Sec-WebSocket-Protocol";

    /** exec and attach: v4 reports the exit code as a JSON status; v1 to v3 report failures as plain text. */
    static final String V4 = "v4.channel.k8s.io";
    static final String V3 = "v3.channel.k8s.io";
    static final String V2 = "v2.channel.k8s.io";
    static final String V1 = "channel.k8s.io";
    static final List<String> REMOTE_COMMAND = List.of(V4, V3, V2, V1);

    static final String PORT_FORWARD_V1 = "portforward.k8s.io";
    static final List<String> PORT_FORWARD = List.of(PORT_FORWARD_V1);

    /**
     * WebSocket channel protocols: binary {@link V1} and {@link V4} (the same names as over SPDY), their base64
     * variants, and v5, which adds the client's close of a channel. "" is a client that names none, served as
     * binary v1.
     */
    static final String WS_V5 = "v5.channel.k8s.io";
    static final String WS_V4_BASE64 = "v4.base64.channel.k8s.io";
    static final String WS_BASE64 = "base64.channel.k8s.io";
    static final String WS_NONE = "";
    static final List<String> WEBSOCKET_REMOTE_COMMAND = List.of(WS_V5, V4, WS_V4_BASE64, V1, WS_BASE64, WS_NONE);
    /** Port forwarding over WebSocket, as kubelet serves it: the channel framing of v4, binary or base64. */
    static final List<String> WEBSOCKET_PORT_FORWARD = List.of(V4, WS_V4_BASE64, WS_NONE);

    private Protocols() {
    }

    /**
     * The client's most preferred protocol that the server supports, or empty. A header value may also
     * carry several protocols separated by commas. A client that offers none gets {@link #WS_NONE} where the
     * server supports it.
     */
    static Optional<String> negotiate(List<String> clientHeaders, List<String> serverProtocols) {
        List<String> offered = split(clientHeaders);
        if (offered.isEmpty() && serverProtocols.contains(WS_NONE)) {
            return Optional.of(WS_NONE);
        }
        for (String protocol : offered) {
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

    /** Whether the error stream carries a JSON {@code Status} with the exit code (v4 and v5) rather than text. */
    static boolean reportsStatusObject(String protocol) {
        return protocol.equals(V4) || protocol.equals(WS_V4_BASE64) || protocol.equals(WS_V5);
    }
}

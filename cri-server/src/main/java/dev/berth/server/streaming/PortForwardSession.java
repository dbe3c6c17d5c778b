package dev.berth.server.streaming;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one port-forward connection over SPDY ({@code portforward.k8s.io}): the client opens an error stream
 * and a data stream per forwarded connection, both carrying the same {@code requestid} and the target
 * {@code port}. Each complete pair is forwarded by the {@link PortForwarder} on a virtual thread. The SPDY
 * connection lives as long as the client keeps it. Stream events arrive on the event loop.
 */
final class PortForwardSession implements SpdyConnection.Session {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwardSession.class);

    private final PortForwarder forwarder;
    private final Map<String, SpdyStream> errors = new HashMap<>();
    private final Map<String, SpdyStream> data = new HashMap<>();

    PortForwardSession(PortForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public void streamOpened(SpdyStream stream) {
        String request = stream.header("requestid");
        Map<String, SpdyStream> kind = switch (stream.type()) {
            case "error" -> errors;
            case "data" -> data;
            default -> null;
        };
        if (kind == null || request.isEmpty() || kind.containsKey(request)) {
            LOG.debug("port-forward client opened an unexpected stream {} ({}, request {})", stream.id(),
                    stream.type(), request);
            stream.discard();
            stream.closeWrite();
            return;
        }
        kind.put(request, stream);
        SpdyStream error = errors.get(request);
        SpdyStream dataStream = data.get(request);
        if (error != null && dataStream != null) {
            errors.remove(request);
            data.remove(request);
            // The error stream carries nothing from the client.
            error.discard();
            Thread.ofVirtual().name("port-forward-" + request)
                    .start(() -> forwarder.forward(dataStream.header("port"), dataStream, error));
        }
    }

    @Override
    public void connectionClosed() {
        forwarder.closeAll();
    }
}

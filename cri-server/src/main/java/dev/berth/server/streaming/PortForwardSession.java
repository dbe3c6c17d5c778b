package dev.berth.server.streaming;

import dev.berth.sandbox.ExecProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one port-forward connection ({@code portforward.k8s.io}): the client opens an error stream and a
 * data stream per forwarded connection, both carrying the same {@code requestid} and the target
 * {@code port}. Each complete pair gets a connection to that port in the pod; bytes are copied both ways, and
 * a failure is reported as text on the error stream. The SPDY connection lives as long as the client keeps
 * it; when it goes, every forwarded connection is closed. Stream events arrive on the event loop.
 */
final class PortForwardSession implements SpdyConnection.Session {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwardSession.class);

    private final String sandboxId;
    private final IntFunction<ExecProcess> connector;
    private final Map<String, SpdyStream> errors = new HashMap<>();
    private final Map<String, SpdyStream> data = new HashMap<>();
    private final Set<ExecProcess> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PortForwardSession(String sandboxId, IntFunction<ExecProcess> connector) {
        this.sandboxId = sandboxId;
        this.connector = connector;
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
            stream.closeWrite();
            return;
        }
        kind.put(request, stream);
        SpdyStream error = errors.get(request);
        SpdyStream dataStream = data.get(request);
        if (error != null && dataStream != null) {
            errors.remove(request);
            data.remove(request);
            Thread.ofVirtual().name("port-forward-" + request).start(() -> forward(error, dataStream));
        }
    }

    @Override
    public void connectionClosed() {
        closed = true;
        open.forEach(ExecProcess::kill);
    }

    private void forward(SpdyStream error, SpdyStream dataStream) {
        String port = dataStream.header("port");
        String failure = null;
        try {
            int number;
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port " + port);
            }
            try (ExecProcess connection = connector.apply(number)) {
                open.add(connection);
                if (closed) {
                    connection.kill();
                }
                Thread.ofVirtual().start(() -> Pump.copy(dataStream.in(), connection.stdin(), true, false));
                Thread out = Thread.ofVirtual().start(() -> {
                    Pump.copy(connection.stdout(), dataStream.out(), false, false);
                    dataStream.closeWrite();
                });
                int exit = connection.waitFor();
                out.join();
                if (exit != 0 && !closed) {
                    failure = new String(connection.stderr().readNBytes(4096), StandardCharsets.UTF_8).strip();
                }
                open.remove(connection);
            }
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null) {
            String message = "error forwarding port " + port + " to pod " + sandboxId + ", uid : " + failure;
            try {
                error.out().write(message.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.debug("cannot report a port-forward failure: {}", e.toString());
            }
        }
        error.closeWrite();
        dataStream.closeWrite();
    }
}

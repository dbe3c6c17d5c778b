package dev.berth.server.streaming;

import dev.berth.sandbox.ExecProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards connections of one streaming connection to ports of one pod, whatever carries them: each forwarded
 * connection has a data stream, copied both ways to a new connection to the port in the pod, and an error
 * stream, where a failure is reported as text with kubelet's wording. When the streaming connection goes,
 * every forwarded connection is closed. Thread-safe.
 */
final class PortForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwarder.class);

    private final String sandboxId;
    private final IntFunction<ExecProcess> connector;
    private final Set<ExecProcess> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code connector} connects to a port in the pod (see {@code SandboxRuntime.portForward}). */
    PortForwarder(String sandboxId, IntFunction<ExecProcess> connector) {
        this.sandboxId = sandboxId;
        this.connector = connector;
    }

    /** The streaming connection is gone: every forwarded connection is closed. */
    void closeAll() {
        closed = true;
        open.forEach(ExecProcess::kill);
    }

    /**
     * Forwards one connection to {@code port} (as the client gave it) until the pod's side ends it, then
     * half-closes both streams; blocks meanwhile.
     */
    void forward(String port, SessionStream data, SessionStream error) {
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
                Thread.ofVirtual().start(() -> Pump.copy(data.in(), connection.stdin(), true, false));
                Thread out = Thread.ofVirtual().start(() -> {
                    Pump.copy(connection.stdout(), data.out(), false, false);
                    data.closeWrite();
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
        data.closeWrite();
    }
}

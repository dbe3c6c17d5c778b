package dev.berth.server.streaming;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one port-forward connection over WebSocket, as kubelet does: one forwarded connection per requested
 * port, the i-th on channel 2i (data, both ways) and 2i+1 (errors, to the client), each channel starting with
 * the port as two bytes, little-endian. Every port is forwarded by the {@link PortForwarder} on its own virtual
 * thread; the connection closes once all have ended. Thread-safe.
 */
final class WebSocketPortForward implements WebSocketConnection.Session {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketPortForward.class);

    private final PortForwarder forwarder;
    private final List<Integer> ports;

    WebSocketPortForward(PortForwarder forwarder, List<Integer> ports) {
        this.forwarder = forwarder;
        this.ports = List.copyOf(ports);
    }

    /** The channels of the connection, by number: data and errors of each port. */
    @Override
    public List<WebSocketConnection.Access> channels() {
        List<WebSocketConnection.Access> channels = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            channels.add(WebSocketConnection.Access.BOTH);
            channels.add(WebSocketConnection.Access.WRITE);
        }
        return channels;
    }

    @Override
    public void start(WebSocketConnection connection) {
        Thread.ofVirtual().name("port-forward-ws").start(() -> {
            try {
                List<Thread> forwards = new ArrayList<>();
                for (int i = 0; i < ports.size(); i++) {
                    int port = ports.get(i);
                    SessionStream data = connection.channel(2 * i);
                    SessionStream error = connection.channel(2 * i + 1);
                    connection.send(2 * i, ChannelCodec.portHeader(port));
                    connection.send(2 * i + 1, ChannelCodec.portHeader(port));
                    forwards.add(Thread.ofVirtual().name("port-forward-ws-" + port)
                            .start(() -> forwarder.forward(Integer.toString(port), data, error)));
                }
                for (Thread forward : forwards) {
                    forward.join();
                }
            } catch (IOException e) {
                LOG.debug("websocket port-forward client went away before it started: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                connection.finish();
            }
        });
    }

    @Override
    public void connectionClosed() {
        forwarder.closeAll();
    }
}

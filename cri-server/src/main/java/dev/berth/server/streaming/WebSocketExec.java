package dev.berth.server.streaming;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one exec or attach over WebSocket, with the channels kubelet opens: 0 stdin (when asked for), 1 stdout,
 * 2 stderr (not with a terminal), 3 the error channel, 4 the terminal's size. The connection is announced ready
 * with an empty message on the first channel the client reads, as kubelet does; the {@link RemoteCommand} then
 * runs on a virtual thread, and the connection closes once it has reported. A client's close kills the
 * command. Thread-safe.
 */
final class WebSocketExec implements WebSocketConnection.Session {

    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    static final int RESIZE = 4;
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketExec.class);

    private final RemoteCommand command;
    private final boolean tty;
    private final boolean stdin;
    private final boolean stdout;
    private final boolean stderr;

    /** {@code stderr} is ignored with a terminal, which has one output. */
    WebSocketExec(RemoteCommand command, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        this.command = command;
        this.tty = tty;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr && !tty;
    }

    /** The channels of the connection, by number. */
    @Override
    public List<WebSocketConnection.Access> channels() {
        return List.of(
                stdin ? WebSocketConnection.Access.READ : WebSocketConnection.Access.NONE,
                stdout ? WebSocketConnection.Access.WRITE : WebSocketConnection.Access.NONE,
                stderr ? WebSocketConnection.Access.WRITE : WebSocketConnection.Access.NONE,
                WebSocketConnection.Access.WRITE,
                tty ? WebSocketConnection.Access.READ : WebSocketConnection.Access.NONE);
    }

    @Override
    public void start(WebSocketConnection connection) {
        Map<String, SessionStream> streams = new HashMap<>();
        streams.put(RemoteCommand.ERROR, connection.channel(ERROR));
        if (stdin) {
            streams.put(RemoteCommand.STDIN, connection.channel(STDIN));
        }
        if (stdout) {
            streams.put(RemoteCommand.STDOUT, connection.channel(STDOUT));
        }
        if (stderr) {
            streams.put(RemoteCommand.STDERR, connection.channel(STDERR));
        }
        if (tty) {
            streams.put(RemoteCommand.RESIZE, connection.channel(RESIZE));
        }
        int ready = stdout ? STDOUT : stderr ? STDERR : ERROR;
        Thread.ofVirtual().name("exec-ws").start(() -> {
            try {
                connection.send(ready, new byte[0]);
                command.run(streams);
            } catch (IOException e) {
                LOG.debug("websocket exec client went away before it started: {}", e.toString());
            } finally {
                connection.finish();
            }
        });
    }

    @Override
    public void connectionClosed() {
        command.connectionClosed();
    }
}

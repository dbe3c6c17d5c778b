package dev.berth.server.streaming;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one exec or attach over SPDY: waits until the client has opened every stream the request asked for
 * (the error stream always, stdin/stdout/stderr as requested, resize with a terminal), then runs the
 * {@link RemoteCommand} on a virtual thread and says goodbye. A client that does not open its streams within
 * the creation timeout is disconnected; a client that disconnects early has its command killed. Stream events
 * arrive on the event loop; the command runs elsewhere.
 */
final class ExecSession implements SpdyConnection.Session {

    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

    private final Channel channel;
    private final Set<String> expected;
    private final RemoteCommand command;
    private final Map<String, SpdyStream> streams = new HashMap<>();
    private boolean started;
    private int lastStreamId;

    /** {@code expected} are the stream types the client must open (see {@link #expectedStreams}). */
    ExecSession(Channel channel, Set<String> expected, RemoteCommand command, Duration creationTimeout) {
        this.channel = channel;
        this.expected = Set.copyOf(expected);
        this.command = command;
        channel.eventLoop().schedule(() -> {
            if (!started) {
                LOG.debug("exec client opened {} of the streams {} in time; closing", streams.keySet(), expected);
                SpdyConnection.finish(channel, lastStreamId);
            }
        }, creationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Set<String> expectedStreams(String protocol, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        Set<String> expected = new HashSet<>();
        expected.add(RemoteCommand.ERROR);
        if (stdin) {
            expected.add(RemoteCommand.STDIN);
        }
        if (stdout) {
            expected.add(RemoteCommand.STDOUT);
        }
        if (stderr && !tty) {
            expected.add(RemoteCommand.STDERR);
        }
        if (tty && Protocols.hasResizeStream(protocol)) {
            expected.add(RemoteCommand.RESIZE);
        }
        return expected;
    }

    @Override
    public void streamOpened(SpdyStream stream) {
        lastStreamId = Math.max(lastStreamId, stream.id());
        String type = stream.type();
        if (started || !expected.contains(type) || streams.containsKey(type)) {
            LOG.debug("exec client opened an unexpected stream {} ({})", stream.id(), type);
            stream.discard();
            stream.closeWrite();
            return;
        }
        streams.put(type, stream);
        if (streams.keySet().equals(expected)) {
            started = true;
            Map<String, SpdyStream> ready = Map.copyOf(streams);
            int last = lastStreamId;
            Thread.ofVirtual().name("exec-" + channel.id().asShortText()).start(() -> {
                command.run(ready);
                SpdyConnection.finish(channel, last);
            });
        }
    }

    @Override
    public void connectionClosed() {
        command.connectionClosed();
    }
}

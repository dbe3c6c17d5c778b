package dev.berth.server.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.host.Json;
import dev.berth.sandbox.ExecProcess;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one exec or attach connection: waits until the client has opened every stream the request asked for
 * (the error stream always, stdin/stdout/stderr as requested), then runs the command (or attaches) on a
 * virtual thread, copies its streams, writes the status on the error stream and closes the connection. A client that does not open its
 * streams within the creation timeout is disconnected; a client that disconnects early has its command killed.
 * Stream events arrive on the event loop; the command runs elsewhere.
 */
final class ExecSession implements SpdyConnection.Session {

    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Thread.Builder PUMPS = Thread.ofPlatform().daemon().name("exec-pump");

    private final Channel channel;
    private final String protocol;
    private final Set<String> expected;
    private final String description;
    private final Supplier<ExecProcess> launcher;
    private final Map<String, SpdyStream> streams = new HashMap<>();
    private final AtomicReference<ExecProcess> running = new AtomicReference<>();
    private volatile boolean closed;
    private boolean started;
    private int lastStreamId;

    /**
     * {@code expected} are the stream types the client must open (see {@link #expectedStreams}),
     * {@code description} names the command in failure messages.
     */
    ExecSession(Channel channel, String protocol, Set<String> expected, String description,
                Supplier<ExecProcess> launcher, Duration creationTimeout) {
        this.channel = channel;
        this.protocol = protocol;
        this.expected = Set.copyOf(expected);
        this.description = description;
        this.launcher = launcher;
        channel.eventLoop().schedule(() -> {
            if (!started) {
                LOG.debug("exec client opened {} of the streams {} in time; closing", streams.keySet(), expected);
                channel.close();
            }
        }, creationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Set<String> expectedStreams(String protocol, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        Set<String> expected = new HashSet<>();
        expected.add("error");
        if (stdin) {
            expected.add("stdin");
        }
        if (stdout) {
            expected.add("stdout");
        }
        if (stderr && !tty) {
            expected.add("stderr");
        }
        if (tty && Protocols.hasResizeStream(protocol)) {
            expected.add("resize");
        }
        return expected;
    }

    @Override
    public void streamOpened(SpdyStream stream) {
        lastStreamId = Math.max(lastStreamId, stream.id());
        String type = stream.type();
        if (started || !expected.contains(type) || streams.containsKey(type)) {
            LOG.debug("exec client opened an unexpected stream {} ({})", stream.id(), type);
            stream.closeWrite();
            return;
        }
        streams.put(type, stream);
        if (streams.keySet().equals(expected)) {
            started = true;
            Map<String, SpdyStream> ready = Map.copyOf(streams);
            int last = lastStreamId;
            Thread.ofVirtual().name("exec-" + channel.id().asShortText()).start(() -> run(ready, last));
        }
    }

    @Override
    public void connectionClosed() {
        closed = true;
        ExecProcess process = running.get();
        if (process != null) {
            process.kill();
        }
    }

    private void run(Map<String, SpdyStream> streams, int lastStreamId) {
        ExecStatus status;
        try {
            status = execute(streams);
        } catch (RuntimeException e) {
            status = ExecStatus.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = ExecStatus.failed("interrupted");
        }
        SpdyStream error = streams.get("error");
        try {
            byte[] encoded = status.encode(protocol, description);
            if (encoded.length > 0) {
                error.out().write(encoded);
            }
        } catch (IOException e) {
            LOG.debug("cannot report the exec status: {}", e.toString());
        }
        streams.values().forEach(SpdyStream::closeWrite);
        SpdyConnection.finish(channel, lastStreamId);
    }

    private ExecStatus execute(Map<String, SpdyStream> streams) throws InterruptedException {
        try (ExecProcess process = launcher.get()) {
            running.set(process);
            if (closed) {
                process.kill();
            }
            SpdyStream stdin = streams.get("stdin");
            // Platform threads: a terminal's attach socket is written in blocking native calls.
            if (stdin != null) {
                PUMPS.start(() -> Pump.copy(stdin.in(), process.stdin(), true, true));
            } else {
                Pump.closeQuietly(process.stdin());
            }
            SpdyStream resize = streams.get("resize");
            if (resize != null) {
                PUMPS.start(() -> resizes(resize.in(), process));
            }
            Thread out = PUMPS.start(() -> copyOut(process.stdout(), streams.get("stdout")));
            Thread err = PUMPS.start(() -> copyOut(process.stderr(), streams.get("stderr")));
            int exitCode = process.waitFor();
            out.join();
            err.join();
            return ExecStatus.exited(exitCode);
        }
    }

    /** Applies the window sizes the client sends, one JSON object each ({"Width":80,"Height":24}). */
    private static void resizes(InputStream from, ExecProcess process) {
        try (MappingIterator<JsonNode> sizes = JSON.readerFor(JsonNode.class).readValues(from)) {
            while (sizes.hasNextValue()) {
                JsonNode size = sizes.nextValue();
                int width = size.path("Width").asInt();
                int height = size.path("Height").asInt();
                if (width > 0 && height > 0) {
                    process.resize(width, height);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("resize stream ended: {}", e.toString());
        }
    }

    private static void copyOut(InputStream from, SpdyStream to) {
        Pump.copy(from, to == null ? OutputStream.nullOutputStream() : to.out(), false, true);
        if (to != null) {
            to.closeWrite();
        }
    }
}

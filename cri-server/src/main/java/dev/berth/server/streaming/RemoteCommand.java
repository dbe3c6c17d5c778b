package dev.berth.server.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.host.Json;
import dev.berth.sandbox.ExecProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exec or attach over the streams of a session, whatever carries them: starts the command (or
 * attaches), copies the client's stdin to it and its output back, applies the terminal sizes the client sends,
 * and finally writes the status on the error stream and half-closes every stream. A connection that goes away
 * kills the command (or detaches). Thread-safe: {@link #connectionClosed()} may come from any thread while
 * {@link #run} blocks.
 */
final class RemoteCommand {

    static final String STDIN = "stdin";
    static final String STDOUT = "stdout";
    static final String STDERR = "stderr";
    static final String ERROR = "error";
    static final String RESIZE = "resize";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommand.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Thread.Builder PUMPS = Thread.ofPlatform().daemon().name("exec-pump");

    private final String protocol;
    private final String description;
    private final boolean attach;
    private final Supplier<ExecProcess> launcher;
    private final AtomicReference<ExecProcess> running = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param protocol    the negotiated protocol, which says how the status is reported
     * @param description names the command in failure messages
     * @param attach      whether {@code launcher} attaches to a container rather than running a command: an
     *                    attachment's input is left alone when the client sends none
     */
    RemoteCommand(String protocol, String description, boolean attach, Supplier<ExecProcess> launcher) {
        this.protocol = protocol;
        this.description = description;
        this.attach = attach;
        this.launcher = launcher;
    }

    /** The connection is gone: the command is killed (an attachment detaches). */
    void connectionClosed() {
        closed = true;
        ExecProcess process = running.get();
        if (process != null) {
            process.kill();
        }
    }

    /**
     * Runs the command over {@code streams} (by type; {@link #ERROR} always, the others as the client asked)
     * and reports how it ended; returns once every stream is half-closed.
     */
    void run(Map<String, ? extends SessionStream> streams) {
        ExecStatus status;
        try {
            status = execute(streams);
        } catch (RuntimeException e) {
            status = ExecStatus.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = ExecStatus.failed("interrupted");
        }
        SessionStream error = streams.get(ERROR);
        try {
            byte[] encoded = status.encode(protocol, description);
            if (encoded.length > 0) {
                error.out().write(encoded);
            }
        } catch (IOException e) {
            LOG.debug("cannot report the exec status: {}", e.toString());
        }
        streams.values().forEach(SessionStream::closeWrite);
    }

    private ExecStatus execute(Map<String, ? extends SessionStream> streams) throws InterruptedException {
        try (ExecProcess process = launcher.get()) {
            running.set(process);
            if (closed) {
                process.kill();
            }
            SessionStream stdin = streams.get(STDIN);
            // Platform threads: a terminal's attach socket is written in blocking native calls.
            if (stdin != null) {
                PUMPS.start(() -> Pump.copy(stdin.in(), process.stdin(), true, true));
            } else if (!attach) {
                Pump.closeQuietly(process.stdin());
            }
            SessionStream resize = streams.get(RESIZE);
            if (resize != null) {
                PUMPS.start(() -> resizes(resize.in(), process));
            }
            Thread out = PUMPS.start(() -> copyOut(process.stdout(), streams.get(STDOUT)));
            Thread err = PUMPS.start(() -> copyOut(process.stderr(), streams.get(STDERR)));
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

    private static void copyOut(InputStream from, SessionStream to) {
        Pump.copy(from, to == null ? OutputStream.nullOutputStream() : to.out(), false, true);
        if (to != null) {
            to.closeWrite();
        }
    }
}

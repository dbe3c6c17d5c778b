package dev.berth.server.fakes;

import dev.berth.sandbox.ExecProcess;
import dev.berth.sandbox.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An {@link ExecProcess} that runs no program: once its stdin is closed, a script turns what was written to
 * it into the exit code and output, which its stdout and stderr then deliver. {@link #kill()} ends it with 137;
 * terminal sizes it is given are recorded. Thread-safe.
 */
public final class ScriptedExecProcess implements ExecProcess {

    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> inputClosed = new CompletableFuture<>();
    private final CompletableFuture<ExecResult> result;
    private final List<String> resizes = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public ScriptedExecProcess(Function<byte[], ExecResult> script) {
        result = inputClosed.thenApply(script);
    }

    private ScriptedExecProcess() {
        result = new CompletableFuture<>();
    }

    /** A command that has already ended with {@code result}, whatever its input. */
    public static ScriptedExecProcess exited(ExecResult result) {
        ScriptedExecProcess p = new ScriptedExecProcess();
        p.result.complete(result);
        return p;
    }

    /** A command that runs until it is killed, whatever its input. */
    public static ScriptedExecProcess hanging() {
        return new ScriptedExecProcess();
    }

    @Override
    public OutputStream stdin() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (input) {
                    input.write(b);
                }
            }

            @Override
            public void close() {
                synchronized (input) {
                    inputClosed.complete(input.toByteArray());
                }
            }
        };
    }

    @Override
    public InputStream stdout() {
        return new Deferred(true);
    }

    @Override
    public InputStream stderr() {
        return new Deferred(false);
    }

    @Override
    public int waitFor() {
        return result.join().exitCode();
    }

    @Override
    public boolean isAlive() {
        return !result.isDone();
    }

    /** Records the size as "WIDTHxHEIGHT". */
    @Override
    public void resize(int width, int height) {
        resizes.add(width + "x" + height);
    }

    /** The sizes {@link #resize} was given, in order. */
    public List<String> resizes() {
        return List.copyOf(resizes);
    }

    @Override
    public void kill() {
        result.complete(new ExecResult(137, new byte[0], new byte[0]));
    }

    @Override
    public void close() {
        kill();
        closed = true;
    }

    public boolean closed() {
        return closed;
    }

    private final class Deferred extends InputStream {
        private final boolean stdout;
        private InputStream bytes;

        Deferred(boolean stdout) {
            this.stdout = stdout;
        }

        private InputStream bytes() {
            if (bytes == null) {
                ExecResult r = result.join();
                bytes = new ByteArrayInputStream(stdout ? r.stdout() : r.stderr());
            }
            return bytes;
        }

        @Override
        public int read() throws IOException {
            return bytes().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return bytes().read(b, off, len);
        }
    }
}

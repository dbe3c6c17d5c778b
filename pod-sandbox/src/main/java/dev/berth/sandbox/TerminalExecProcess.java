package dev.berth.sandbox;

import dev.berth.host.FileTrees;
import dev.berth.runc.OciRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A command run with a terminal by its own monitor, seen through the monitor's attach socket: the terminal's
 * output, exactly as the container's terminal wrote it, comes on stdout, input goes to the terminal, and the
 * exit code is the monitor's report. {@link #close()} removes the exec's directory. Thread-safe in the way of
 * {@link ExecProcess}.
 */
final class TerminalExecProcess implements ExecProcess {

    private final OciRuntime.TerminalExec exec;
    private final AttachedProcess streams;
    private final Path dir;

    TerminalExecProcess(OciRuntime.TerminalExec exec, AttachedProcess streams, Path dir) {
        this.exec = exec;
        this.streams = streams;
        this.dir = dir;
    }

    @Override
    public OutputStream stdin() {
        return streams.stdin();
    }

    @Override
    public InputStream stdout() {
        return streams.stdout();
    }

    /** A terminal merges both output streams. */
    @Override
    public InputStream stderr() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return exec.waitFor();
    }

    @Override
    public boolean isAlive() {
        return exec.isAlive();
    }

    @Override
    public void kill() {
        exec.kill();
    }

    @Override
    public void resize(int width, int height) throws IOException {
        exec.resize(width, height);
    }

    @Override
    public void close() {
        exec.kill();
        streams.close();
        exec.close();
        FileTrees.deleteRecursively(dir);
    }
}

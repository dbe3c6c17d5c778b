package dev.berth.sandbox;

import java.io.InputStream;
import java.io.OutputStream;

/** An {@link ExecProcess} that is a plain host process with pipes, killed directly. Thread-safe. */
final class HostProcess implements ExecProcess {

    private final Process process;

    HostProcess(Process process) {
        this.process = process;
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        kill();
    }
}

package dev.berth.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@code runc exec} started with pipes. runc passes its own standard streams to the process it starts in the
 * container and exits with that process's code, so the pipes of the runc process are the command's. Killing
 * runc would leave the command running inside the container, so {@link #kill()} signals the command by the
 * pid runc recorded. Thread-safe.
 */
final class RuncExecProcess implements ExecProcess {

    private final Process runc;
    private final Path processSpec;
    private final Path pidFile;

    RuncExecProcess(Process runc, Path processSpec, Path pidFile) {
        this.runc = runc;
        this.processSpec = processSpec;
        this.pidFile = pidFile;
    }

    @Override
    public OutputStream stdin() {
        return runc.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return runc.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return runc.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return runc.waitFor();
    }

    @Override
    public boolean isAlive() {
        return runc.isAlive();
    }

    @Override
    public void kill() {
        if (runc.isAlive()) {
            commandPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            runc.destroyForcibly();
        }
    }

    private Optional<Long> commandPid() {
        try {
            String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Files.deleteIfExists(processSpec);
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // both live in the bundle, which goes with the container
        }
    }
}

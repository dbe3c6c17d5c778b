package dev.berth.runc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.host.CommandException;
import dev.berth.host.CommandRunner;
import dev.berth.host.Json;
import dev.berth.host.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process run with a terminal by a conmon of its own ({@code conmon --exec --exec-attach --terminal}), as
 * Podman runs {@code exec -t}. Thread-safe.
 *
 * <p>conmon talks to its parent over pipes named by environment variables: it waits for a write on the start
 * pipe before it sets up and again before it runs runc, and answers on the sync pipe with JSON lines
 * ({@code {"data": N}}, with a {@code "message"} on failure): 0 once its attach socket listens, then the
 * process's pid (negative when runc failed, with runc's error), then its exit code. The JDK hands a child
 * nothing but its standard streams, and conmon replaces those with /dev/null, so a shell moves them to
 * descriptors 3 and 4 first (see {@link #withPipes}): conmon's stdin is its start pipe, its stdout the others.
 */
final class ConmonExec implements OciRuntime.TerminalExec {

    /** conmon's ctl message that sets the window size: {@code 1 <height> <width>}. */
    private static final int RESIZE = 1;
    private static final long KILL_WAIT_SECONDS = 10;

    /** conmon's command line, for errors. */
    private final List<String> argv;
    private final Process conmon;
    private final Path dir;
    private final OutputStream startPipe;
    private final BufferedReader syncPipe;
    private FileChannel ctl;
    private volatile boolean started;
    /** The started process, unless it exited at once; its start time guards against signalling a reused pid. */
    private volatile ProcessHandle process;
    private volatile boolean exited;
    private Integer exitCode;

    private ConmonExec(List<String> argv, Process conmon, Path dir) {
        this.argv = argv;
        this.conmon = conmon;
        this.dir = dir;
        this.startPipe = conmon.getOutputStream();
        this.syncPipe = new BufferedReader(new InputStreamReader(conmon.getInputStream(), StandardCharsets.UTF_8));
    }

    /** {@code conmonArgv} run with its start pipe on descriptor 3 and its attach and sync pipes on 4. */
    static List<String> withPipes(List<String> conmonArgv) {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c",
                "export _OCI_STARTPIPE=3 _OCI_ATTACHPIPE=4 _OCI_SYNCPIPE=4; exec \"$@\" 3<&0 4>&1", "conmon"));
        argv.addAll(conmonArgv);
        return argv;
    }

    /**
     * Starts {@code conmonArgv} (see {@link #withPipes}) in {@code dir}, where it leaves its files, and returns
     * once its attach socket listens.
     */
    static ConmonExec start(CommandRunner runner, List<String> conmonArgv, Path dir) {
        // conmon writes its "oom" marker into its working directory: the exec's own, not the daemon's.
        ConmonExec exec = new ConmonExec(conmonArgv, runner.start(withPipes(conmonArgv), dir), dir);
        try {
            exec.proceed();
            exec.next("listening");
            // conmon made its control fifo before it answered. Opened for reading too, as a fifo opened only for
            // writing would wait for a reader, forever if conmon has just died.
            exec.ctl = FileChannel.open(dir.resolve("ctl"), StandardOpenOption.READ, StandardOpenOption.WRITE);
            return exec;
        } catch (IOException | RuntimeException e) {
            exec.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot start conmon for an exec in " + dir, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public Path attachSocket() {
        return dir.resolve("attach");
    }

    @Override
    public void run() {
        try {
            proceed();
            JsonNode reply = next("the process started");
            long pid = reply.path("data").asLong();
            if (pid <= 0) {
                String runcErrors = reply.path("message").asText();
                throw RuncErrors.classifyCreate(new CommandException(argv, 1,
                        ConmonRunc.lastError(runcErrors.lines().toList()), "runc exec failed", null));
            }
            process = ProcessHandle.of(pid).orElse(null);
            started = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int waitFor() throws InterruptedException {
        synchronized (syncPipe) {
            if (exitCode == null) {
                exitCode = readExitCode();
                exited = true;
            }
            return exitCode;
        }
    }

    private int readExitCode() throws InterruptedException {
        try {
            String line = syncPipe.readLine();
            if (line != null) {
                return Json.MAPPER.readTree(line).path("data").asInt();
            }
        } catch (IOException e) {
            // conmon went away without a word: its own exit status stands in
        }
        return conmon.waitFor();
    }

    @Override
    public boolean isAlive() {
        return conmon.isAlive();
    }

    @Override
    public void resize(int width, int height) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((RESIZE + " " + height + " " + width + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        synchronized (this) {
            while (line.hasRemaining()) {
                ctl.write(line);
            }
        }
    }

    @Override
    public void kill() {
        if (exited || !conmon.isAlive()) {
            return;
        }
        if (started) {
            ProcessHandle running = process;
            if (running != null) {
                running.destroyForcibly();
            }
        } else {
            // not started yet: conmon, and runc if it is already under way
            ProcessTree.kill(conmon.pid());
        }
    }

    @Override
    public void close() {
        kill();
        try {
            if (!conmon.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                ProcessTree.kill(conmon.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.kill(conmon.pid());
        }
        closeQuietly(startPipe);
        closeQuietly(syncPipe);
        closeQuietly(conmon.getErrorStream());
        synchronized (this) {
            closeQuietly(ctl);
        }
    }

    /** Writes to the start pipe: conmon waits for one write before it sets up, and one before it runs runc. */
    private void proceed() {
        try {
            startPipe.write('s');
            startPipe.flush();
        } catch (IOException e) {
            // conmon has ended: the sync pipe's end says so, and its standard error why
        }
    }

    /** The next message on the sync pipe; {@code what} names it in the error when conmon ends first. */
    private JsonNode next(String what) throws IOException {
        String line;
        synchronized (syncPipe) {
            line = syncPipe.readLine();
        }
        if (line == null) {
            int status = exitStatus();
            throw new CommandException(argv, status, errors(), "conmon ended before " + what, null);
        }
        return Json.MAPPER.readTree(line);
    }

    /** conmon's exit status once it has ended (it closed its pipes), or -1. */
    private int exitStatus() {
        try {
            return conmon.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS) ? conmon.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** What conmon and the shell before it wrote to standard error; conmon's is /dev/null once it runs. */
    private String errors() {
        try {
            return new String(conmon.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing left to release
            }
        }
    }
}

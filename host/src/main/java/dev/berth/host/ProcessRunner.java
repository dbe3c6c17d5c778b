package dev.berth.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs with {@link ProcessBuilder}: the one way Berth runs runc, conmon, CNI plugins and mount tools.
 * Output goes to temporary files rather than pipes because conmon daemonizes and CNI plugins may leave children
 * behind: a detached grandchild holding an inherited pipe would keep a pipe reader waiting forever. A program that
 * outlives its timeout is killed together with everything it started. Thread-safe.
 */
public final class ProcessRunner implements CommandRunner {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessRunner.class);
    private static final int MAX_CAPTURE = 1 << 20;
    /** How long a program may take to exit after the cleanup that runs at its timeout. */
    private static final Duration AFTER_TIMEOUT_GRACE = Duration.ofSeconds(2);

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration timeout, Path workDir) {
        Captured captured = runToFiles(argv, null, stdin, timeout, workDir, MAX_CAPTURE, () -> {
        });
        String stderr = new String(captured.stderr(), StandardCharsets.UTF_8);
        if (captured.timedOut()) {
            throw new CommandException(argv, -1, stderr, "timed out after " + timeout, null);
        }
        if (captured.exitCode() != 0) {
            throw new CommandException(argv, captured.exitCode(), stderr);
        }
        return new CommandResult(0, new String(captured.stdout(), StandardCharsets.UTF_8), stderr);
    }

    @Override
    public Captured capture(List<String> argv, Duration timeout, int maxOutputBytes, Runnable onTimeout) {
        return runToFiles(argv, null, null, timeout, null, maxOutputBytes, onTimeout);
    }

    @Override
    public Captured capture(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout,
                            int maxOutputBytes) {
        return runToFiles(argv, env, stdin, timeout, null, maxOutputBytes, () -> {
        });
    }

    /**
     * Runs {@code argv} with its output in temporary files, waiting at most {@code timeout} (then running
     * {@code onTimeout} and killing it unless that made it exit), and returns what it printed, up to
     * {@code maxOutputBytes} of each stream.
     */
    private static Captured runToFiles(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout,
                                       Path workDir, int maxOutputBytes, Runnable onTimeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("berth-cmd", ".out");
            err = Files.createTempFile("berth-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .directory(workDir == null ? null : workDir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                            : ProcessBuilder.Redirect.PIPE);
            if (env != null) {
                pb.environment().clear();
                pb.environment().putAll(env);
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new CommandException(argv, -1, "", "cannot start: " + e.getMessage(), e);
            }
            if (stdin != null) {
                // written aside, so that a program that never reads its input still meets its timeout
                Thread.ofVirtual().name("stdin-" + p.pid()).start(() -> {
                    try (OutputStream os = p.getOutputStream()) {
                        os.write(stdin);
                    } catch (IOException ignored) {
                        // the program may exit without reading its input; its exit code tells the story
                    }
                });
            }
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                try {
                    onTimeout.run();
                } catch (RuntimeException e) {
                    LOG.warn("cleanup after {} timed out failed: {}", argv.get(0), e.toString());
                }
                if (!p.waitFor(AFTER_TIMEOUT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    ProcessTree.kill(p.pid());
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            return new Captured(done ? p.exitValue() : -1, readBytes(out, maxOutputBytes),
                    readBytes(err, maxOutputBytes), !done);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException(argv, -1, "", "interrupted", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    @Override
    public Process start(List<String> argv, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir == null ? null : workDir.toFile());
        try {
            return pb.start();
        } catch (IOException e) {
            throw new CommandException(argv, -1, "", "cannot start: " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}

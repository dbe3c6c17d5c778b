package dev.berth.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The process seam: runs one executable with a given environment and stdin under a deadline and captures
 * its output. Stateless and thread-safe.
 */
final class PluginProcess {

    /** What a finished process printed. */
    record Output(int exitCode, String stdout, String stderr) {
    }

    private static final int MAX_OUTPUT = 4 << 20;
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private PluginProcess() {
    }

    /**
     * Runs {@code executable} with exactly {@code env}; never throws for a non-zero exit (the caller
     * interprets it) but throws {@link NetworkException} when it cannot start or misses the deadline.
     */
    static Output run(Path executable, Map<String, String> env, String stdin, Duration deadline, String what) {
        ProcessBuilder builder = new ProcessBuilder(executable.toString());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new NetworkException(NetworkException.Kind.PLUGIN_FAILED,
                    what + ": cannot run " + executable + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a plugin may exit before reading its config; its exit status tells what happened
        }
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new NetworkException(NetworkException.Kind.PLUGIN_FAILED,
                        what + ": " + executable + " did not finish within " + deadline.toSeconds() + " s"
                                + stderrSuffix(collect(stderr)));
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new NetworkException(NetworkException.Kind.PLUGIN_FAILED, what + ": interrupted", e);
        }
        return new Output(process.exitValue(), collect(stdout), collect(stderr));
    }

    static String stderrSuffix(String stderr) {
        String trimmed = stderr.strip();
        return trimmed.isEmpty() ? "" : "; stderr: " + trimmed;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name("cni-plugin-output").start(() -> {
            try (stream) {
                byte[] bytes = stream.readNBytes(MAX_OUTPUT);
                stream.transferTo(OutputStream.nullOutputStream());
                result.complete(new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("");
            }
        });
        return result;
    }

    // A plugin may leave a child holding its stdout open; don't wait for that forever.
    private static String collect(CompletableFuture<String> output) {
        try {
            return output.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }
}

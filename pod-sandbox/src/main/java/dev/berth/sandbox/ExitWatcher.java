package dev.berth.sandbox;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exit files conmon writes (one per container, named by its id) into status updates as they appear, so
 * that reading a status never has to look for them, and every {@code sweepEvery} runs a sweep that catches what
 * no file announces (a monitor that died without writing one, events lost to an overflow). Status updates are
 * what container events will be fed from. Thread-safe; one thread of its own until {@link #close()}.
 */
final class ExitWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExitWatcher.class);

    private final WatchService watch;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts watching {@code exitDir} (which must exist): {@code onExit} gets the id of each exit file written,
     * {@code sweep} runs every {@code sweepEvery} and after missed events. Neither may block for long.
     */
    ExitWatcher(Path exitDir, Consumer<String> onExit, Runnable sweep, Duration sweepEvery) throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        exitDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = Thread.ofPlatform().daemon().name("exit-watcher").start(() -> loop(onExit, sweep, sweepEvery));
    }

    private void loop(Consumer<String> onExit, Runnable sweep, Duration sweepEvery) {
        while (!closed) {
            try {
                WatchKey key = watch.poll(sweepEvery.toMillis(), TimeUnit.MILLISECONDS);
                if (key == null) {
                    quietly(sweep);
                    continue;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        quietly(sweep);
                    } else if (event.context() instanceof Path name && !name.toString().startsWith(".")) {
                        quietly(() -> onExit.accept(name.toString()));
                    }
                }
                key.reset();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("updating container status failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the exit watch: {}", e.toString());
        }
        thread.interrupt();
    }
}

package dev.berth.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A command running in a container for a streaming exec: its three standard streams, its exit code and a way
 * to end it. Closing {@link #stdin()} gives the command end of input. A command with a terminal has all its
 * output on {@link #stdout()}, and its input ends only as a terminal's does (a ^D it reads).
 *
 * <p>Thread-safe in the way of {@link Process}: each stream is used by one thread, {@link #waitFor()} and
 * {@link #kill()} from any. {@link #close()} kills the command if it still runs and removes what was made
 * to start it; call it once the streams are drained.
 */
public interface ExecProcess extends AutoCloseable {

    /** Input of the command. */
    OutputStream stdin();

    /** Standard output of the command. */
    InputStream stdout();

    /** Standard error of the command. */
    InputStream stderr();

    /** Waits for the command to exit and returns its exit code (128 + signal when a signal ended it). */
    int waitFor() throws InterruptedException;

    /** Whether the command still runs. */
    boolean isAlive();

    /**
     * Sets the window size, in characters, of the terminal the command runs with; the command gets SIGWINCH.
     * A command without a terminal ignores it.
     */
    default void resize(int width, int height) throws IOException {
    }

    /** Kills the command inside the container (SIGKILL); idempotent. */
    void kill();

    @Override
    void close();
}

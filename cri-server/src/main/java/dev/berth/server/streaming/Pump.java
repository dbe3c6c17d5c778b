package dev.berth.server.streaming;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies one side of a streaming session to the other until the source ends. Stateless. */
final class Pump {

    private Pump() {
    }

    /**
     * Copies {@code from} to {@code to}, flushing each chunk so the peer sees output as it comes.
     *
     * @param closeTarget    close {@code to} when {@code from} ends (the end of a client's stdin)
     * @param drainOnFailure when {@code to} fails, keep reading {@code from} to its end, so a command writing
     *                       to a vanished client does not block on a full pipe
     */
    static void copy(InputStream from, OutputStream to, boolean closeTarget, boolean drainOnFailure) {
        byte[] buffer = new byte[32 * 1024];
        try {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            if (drainOnFailure) {
                try {
                    from.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the source is gone as well
                }
            }
        } finally {
            if (closeTarget) {
                closeQuietly(to);
            }
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed, or the other side is gone
        }
    }
}

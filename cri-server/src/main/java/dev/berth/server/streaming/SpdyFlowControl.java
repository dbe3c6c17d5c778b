package dev.berth.server.streaming;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The flow-control windows of one SPDY/3.1 connection, both ways.
 *
 * <p>Sending: data on a stream may not exceed what the client granted, per stream (64 KiB to start with, or
 * what its SETTINGS say) and for the whole session (64 KiB to start with); WINDOW_UPDATE frames grant more.
 * Writers wait in {@link #acquire} for a window. Go's spdystream (kubectl, kubelet's proxy, crictl) claims
 * SPDY/3.1 but never grants a window, so a client is first taken to take part in flow control only once it
 * grants one or sends SETTINGS; when a window runs out before it has, the connection pings it once
 * ({@code probe}). A client that answers the ping without having granted anything for the data it received
 * before it ignores flow control, and windows are not enforced on its connection from then on; one that takes
 * part grants as it receives (as Netty's session handler does), before it answers.
 *
 * <p>Receiving: the stream windows this side advertises are granted back as the session consumes the data,
 * the session window as data arrives, so that a stream nobody reads cannot stall the others.
 *
 * <p>Thread-safe: frames arrive on the event loop, writers and readers run on the session's threads.
 */
final class SpdyFlowControl {

    static final int DEFAULT_WINDOW = 64 * 1024;
    /** Grants are sent once half a window is used up, not for every frame. */
    private static final int GRANT_THRESHOLD = DEFAULT_WINDOW / 2;
    private static final long MAX_WINDOW = Integer.MAX_VALUE;

    /** Whether the client takes part in flow control. */
    enum Peer { UNKNOWN, CONTROLS, IGNORES }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Runnable probe;
    private final Map<Integer, Long> sendWindows = new HashMap<>();
    private final Map<Integer, Integer> unGranted = new HashMap<>();
    private long sessionSendWindow = DEFAULT_WINDOW;
    private int initialSendWindow = DEFAULT_WINDOW;
    private int sessionReceived;
    private Peer peer = Peer.UNKNOWN;
    private boolean probing;
    private boolean closed;

    /** {@code probe} sends the client a PING (after everything written so far); it must not block. */
    SpdyFlowControl(Runnable probe) {
        this.probe = probe;
    }

    /** The client opened {@code streamId}. */
    void open(int streamId) {
        lock.lock();
        try {
            sendWindows.put(streamId, (long) initialSendWindow);
        } finally {
            lock.unlock();
        }
    }

    /** The stream is gone (the client reset it): its writers fail. */
    void remove(int streamId) {
        lock.lock();
        try {
            sendWindows.remove(streamId);
            unGranted.remove(streamId);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection is gone: every writer fails. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code streamId} may send data and takes up to {@code wanted} bytes of its windows.
     *
     * @return how many bytes may be sent now, at least 1
     * @throws IOException when the stream or the connection is gone meanwhile
     */
    int acquire(int streamId, int wanted) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("the connection is closed");
                }
                Long window = sendWindows.get(streamId);
                if (window == null) {
                    throw new IOException("stream " + streamId + " was reset");
                }
                if (peer == Peer.IGNORES) {
                    return wanted;
                }
                long available = Math.min(window, sessionSendWindow);
                if (available > 0) {
                    int n = (int) Math.min(wanted, available);
                    sendWindows.put(streamId, window - n);
                    sessionSendWindow -= n;
                    return n;
                }
                if (peer == Peer.UNKNOWN && !probing) {
                    probing = true;
                    probe.run();
                }
                changed.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the client's flow-control window");
        } finally {
            lock.unlock();
        }
    }

    /** A WINDOW_UPDATE from the client: {@code streamId} 0 grants to the session. */
    void windowUpdate(int streamId, int delta) {
        lock.lock();
        try {
            peer = Peer.CONTROLS;
            if (streamId == 0) {
                sessionSendWindow = Math.min(MAX_WINDOW, sessionSendWindow + delta);
            } else {
                sendWindows.computeIfPresent(streamId, (id, w) -> Math.min(MAX_WINDOW, w + delta));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The client's SETTINGS set the initial window of every stream, the open ones included. */
    void initialWindow(int size) {
        lock.lock();
        try {
            peer = Peer.CONTROLS;
            int delta = size - initialSendWindow;
            initialSendWindow = size;
            sendWindows.replaceAll((id, w) -> w + delta);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The client answered the probe. */
    void probeAnswered() {
        lock.lock();
        try {
            if (probing && peer == Peer.UNKNOWN) {
                peer = Peer.IGNORES;
            }
            probing = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Peer peer() {
        lock.lock();
        try {
            return peer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code n} bytes of {@code streamId} were consumed by the session.
     *
     * @return how much to grant the client for that stream now, or 0 to wait for more
     */
    int consumed(int streamId, int n) {
        lock.lock();
        try {
            int total = unGranted.getOrDefault(streamId, 0) + n;
            if (total < GRANT_THRESHOLD) {
                unGranted.put(streamId, total);
                return 0;
            }
            unGranted.put(streamId, 0);
            return total;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code n} bytes of data arrived on the connection.
     *
     * @return how much to grant the client for the session now, or 0 to wait for more
     */
    int received(int n) {
        lock.lock();
        try {
            sessionReceived += n;
            if (sessionReceived < GRANT_THRESHOLD) {
                return 0;
            }
            int grant = sessionReceived;
            sessionReceived = 0;
            return grant;
        } finally {
            lock.unlock();
        }
    }
}

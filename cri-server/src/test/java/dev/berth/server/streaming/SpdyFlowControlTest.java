package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpdyFlowControlTest {

    private static final int WINDOW = SpdyFlowControl.DEFAULT_WINDOW;

    private final AtomicInteger probes = new AtomicInteger();
    private final SpdyFlowControl flow = new SpdyFlowControl(probes::incrementAndGet);

    /** Acquires {@code wanted} bytes on another thread, which may have to wait. */
    private CompletableFuture<Integer> acquireLater(int stream, int wanted) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(flow.acquire(stream, wanted));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Test
    void acquire_withinWindows_takesFromStreamAndSession() throws Exception {
        flow.open(1);
        flow.open(3);

        assertThat(flow.acquire(1, 40_000)).isEqualTo(40_000);
        assertThat(flow.acquire(3, 40_000)).as("the session's window is shared").isEqualTo(WINDOW - 40_000);
        assertThat(probes).hasValue(0);
    }

    @Test
    void acquire_windowUsedUp_probesOnceAndWaitsForAGrant() throws Exception {
        flow.open(1);
        flow.acquire(1, WINDOW);

        CompletableFuture<Integer> waiting = acquireLater(1, 1000);
        PollUntil.isTrue(() -> probes.get() == 1);
        assertThat(waiting).isNotDone();
        flow.windowUpdate(1, 500);
        assertThat(waiting).as("the session window is used up too").isNotDone();
        flow.windowUpdate(0, 10_000);

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(500);
        assertThat(flow.peer()).isEqualTo(SpdyFlowControl.Peer.CONTROLS);
    }

    @Test
    void probeAnswered_withoutAnyGrant_peerIgnoresFlowControl_andWindowsNoLongerApply() throws Exception {
        flow.open(1);
        flow.acquire(1, WINDOW);
        CompletableFuture<Integer> waiting = acquireLater(1, 100_000);
        PollUntil.isTrue(() -> probes.get() == 1);

        flow.probeAnswered();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(100_000);
        assertThat(flow.peer()).isEqualTo(SpdyFlowControl.Peer.IGNORES);
        assertThat(flow.acquire(1, 5_000_000)).isEqualTo(5_000_000);
    }

    @Test
    void probeAnswered_afterAGrant_peerStillControls() throws Exception {
        flow.open(1);
        flow.acquire(1, WINDOW);
        CompletableFuture<Integer> waiting = acquireLater(1, 100);
        PollUntil.isTrue(() -> probes.get() == 1);

        flow.windowUpdate(0, 32_768);
        flow.probeAnswered();

        assertThat(flow.peer()).isEqualTo(SpdyFlowControl.Peer.CONTROLS);
        assertThat(waiting).as("the stream's own window is still used up").isNotDone();
        flow.windowUpdate(1, 32_768);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(100);
    }

    @Test
    void initialWindow_fromSettings_changesOpenAndNewStreams() throws Exception {
        flow.open(1);
        flow.acquire(1, 1000);

        flow.initialWindow(2000);
        flow.open(3);

        assertThat(flow.acquire(1, 10_000)).isEqualTo(1000);
        assertThat(flow.acquire(3, 10_000)).isEqualTo(2000);
        assertThat(flow.peer()).isEqualTo(SpdyFlowControl.Peer.CONTROLS);
    }

    @Test
    void remove_resetStream_waitingWriterFails() throws Exception {
        flow.open(1);
        flow.acquire(1, WINDOW);
        CompletableFuture<Integer> waiting = acquireLater(1, 1);
        PollUntil.isTrue(() -> probes.get() == 1);

        flow.remove(1);

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("reset");
    }

    @Test
    void close_connectionGone_waitingWriterFails() throws Exception {
        flow.open(1);
        flow.acquire(1, WINDOW);
        CompletableFuture<Integer> waiting = acquireLater(1, 1);
        PollUntil.isTrue(() -> probes.get() == 1);

        flow.close();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void consumed_grantsTheStreamOnceHalfAWindowIsRead() {
        assertThat(flow.consumed(1, 20_000)).isZero();
        assertThat(flow.consumed(3, 20_000)).as("streams count apart").isZero();
        assertThat(flow.consumed(1, 12_768)).isEqualTo(32_768);
        assertThat(flow.consumed(1, 100)).isZero();
    }

    @Test
    void received_grantsTheSessionOnceHalfAWindowArrived() {
        assertThat(flow.received(30_000)).isZero();
        assertThat(flow.received(5_000)).isEqualTo(35_000);
        assertThat(flow.received(100)).isZero();
    }
}

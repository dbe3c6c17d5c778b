package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ResponseBodyTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    /** Records what the reader asked of the connection. */
    static final class RecordingSubscription implements Flow.Subscription {
        final List<Long> requests = new ArrayList<>();
        int cancels;

        @Override
        public synchronized void request(long n) {
            requests.add(n);
        }

        @Override
        public synchronized void cancel() {
            cancels++;
        }
    }

    private static List<ByteBuffer> buffers(String... parts) {
        List<ByteBuffer> result = new ArrayList<>();
        for (String part : parts) {
            result.add(ByteBuffer.wrap(part.getBytes(StandardCharsets.UTF_8)));
        }
        return result;
    }

    private static InputStream stream(ResponseBody body) {
        return body.getBody().toCompletableFuture().join();
    }

    @Test
    void read_deliveredListsThenComplete_returnsAllBytesThenEnd() throws Exception {
        ResponseBody body = new ResponseBody(LONG);
        RecordingSubscription subscription = new RecordingSubscription();
        body.onSubscribe(subscription);
        body.onNext(buffers("he", "", "llo "));
        body.onNext(buffers("world"));
        body.onComplete();

        InputStream in = stream(body);

        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(in.read()).isEqualTo(-1);
        assertThat(subscription.cancels).isZero();
    }

    @Test
    void read_eachListTaken_requestsOneMore() throws Exception {
        ResponseBody body = new ResponseBody(LONG);
        RecordingSubscription subscription = new RecordingSubscription();
        body.onSubscribe(subscription);
        assertThat(subscription.requests).containsExactly(1L);
        body.onNext(buffers("ab"));
        InputStream in = stream(body);

        assertThat(in.read()).isEqualTo('a');

        assertThat(subscription.requests).containsExactly(1L, 1L);
    }

    @Test
    void read_nothingArrivesWithinStallTimeout_throwsTimeoutNamingLimitAndCancels() throws Exception {
        ResponseBody body = new ResponseBody(Duration.ofMillis(50));
        RecordingSubscription subscription = new RecordingSubscription();
        body.onSubscribe(subscription);
        body.onNext(buffers("abc"));
        InputStream in = stream(body);
        assertThat(in.readNBytes(3)).hasSize(3);

        assertThatThrownBy(in::read).isInstanceOf(HttpTimeoutException.class)
                .hasMessage("no data for 50 ms after 3 bytes");
        assertThat(subscription.cancels).isEqualTo(1);
        // The stream stays failed: a caller that reads again gets the same answer, not a hang.
        assertThatThrownBy(in::read).isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void read_connectionBreaksOff_throwsWithBytesAndEveryCause() throws Exception {
        ResponseBody body = new ResponseBody(LONG);
        body.onSubscribe(new RecordingSubscription());
        body.onNext(buffers("abcd"));
        body.onError(new IOException("fixed content-length: 10, bytes received: 4",
                new SocketException("Connection reset")));
        InputStream in = stream(body);

        assertThat(in.readNBytes(4)).hasSize(4);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class)
                .hasMessage("transfer broke off after 4 bytes: fixed content-length: 10, bytes received: 4: "
                        + "Connection reset");
    }

    @Test
    void close_beforeSubscription_cancelsWhenItArrives() throws Exception {
        ResponseBody body = new ResponseBody(LONG);
        InputStream in = stream(body);
        in.close();
        RecordingSubscription subscription = new RecordingSubscription();

        body.onSubscribe(subscription);

        assertThat(subscription.cancels).isEqualTo(1);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
    }

    @Test
    void close_midBody_cancelsOnce() throws Exception {
        ResponseBody body = new ResponseBody(LONG);
        RecordingSubscription subscription = new RecordingSubscription();
        body.onSubscribe(subscription);
        InputStream in = stream(body);

        in.close();
        in.close();

        assertThat(subscription.cancels).isEqualTo(1);
    }

    @Test
    void onSubscribe_secondSubscription_isCancelled() {
        ResponseBody body = new ResponseBody(LONG);
        RecordingSubscription first = new RecordingSubscription();
        RecordingSubscription second = new RecordingSubscription();
        body.onSubscribe(first);

        body.onSubscribe(second);

        assertThat(second.cancels).isEqualTo(1);
        assertThat(first.cancels).isZero();
    }

    @Test
    void describe_nestedCauses_joinsEachMessageOnce() {
        var e = new IOException("outer", new IOException("outer", new SocketException((String) null)));

        assertThat(ResponseBody.describe(e)).isEqualTo("outer: SocketException");
    }

    @Test
    void format_wholeAndPartSeconds_readsAsSecondsOrMillis() {
        assertThat(ResponseBody.format(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(ResponseBody.format(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    }

    @Test
    void constructor_zeroStallTimeout_isRefused() {
        assertThatThrownBy(() -> new ResponseBody(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}

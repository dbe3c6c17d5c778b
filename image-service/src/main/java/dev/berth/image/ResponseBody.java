package dev.berth.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as a blocking {@link InputStream} that fails when the server sends nothing for
 * {@code stallTimeout}, and whose failures say why. java.net.http's own stream waits forever once the headers are
 * in (the request timeout ends there), so a registry that stops in the middle of a blob would hang the pull, and
 * kubelet's PullImage with it; and it reports a connection that broke off only as "closed".
 *
 * <p>One thread reads and closes the stream; the HTTP client's threads deliver. Closing the stream, or a stall,
 * cancels the subscription, which drops the connection.
 */
final class ResponseBody implements HttpResponse.BodySubscriber<InputStream> {
    /** One delivery from the client: data, the end, or a failure. */
    private record Item(List<ByteBuffer> data, Throwable error) {
    }

    private static final Item END = new Item(List.of(), null);

    private final Duration stallTimeout;
    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private final Stream stream = new Stream();

    ResponseBody(Duration stallTimeout) {
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stall timeout must be positive: " + stallTimeout);
        }
        this.stallTimeout = stallTimeout;
    }

    static HttpResponse.BodyHandler<InputStream> handler(Duration stallTimeout) {
        return info -> new ResponseBody(stallTimeout);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (subscription.complete(s)) {
            s.request(1); // one list of buffers at a time: the reader's pace sets the download's
        } else {
            s.cancel();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> data) {
        items.add(new Item(data, null));
    }

    @Override
    public void onError(Throwable error) {
        items.add(new Item(List.of(), error));
    }

    @Override
    public void onComplete() {
        items.add(END);
    }

    /** The messages of {@code e} and its causes, each once, e.g. {@code "fixed content-length: 10, ...: Connection reset"}. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    /** {@code "30 s"}, or {@code "1500 ms"} for a limit that is no whole number of seconds. */
    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private final class Stream extends InputStream {
        private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
        private ByteBuffer current;
        private long received;
        private boolean ended;
        private IOException failure;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            ByteBuffer buffer = next();
            if (buffer == null) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            received += n;
            return n;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.remaining();
        }

        /** A buffer with bytes left, or null at the end. */
        private ByteBuffer next() throws IOException {
            while (true) {
                if (closed) {
                    throw new IOException("stream closed");
                }
                if (failure != null) {
                    throw failure;
                }
                if (current != null && current.hasRemaining()) {
                    return current;
                }
                if (buffers.hasNext()) {
                    current = buffers.next();
                    continue;
                }
                if (ended) {
                    return null;
                }
                take();
            }
        }

        private void take() throws IOException {
            Item item;
            try {
                item = items.poll(stallTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                throw new InterruptedIOException("interrupted while reading the response");
            }
            if (item == null) {
                cancel();
                failure = new HttpTimeoutException("no data for " + format(stallTimeout) + " after " + received
                        + " bytes");
            } else if (item == END) {
                ended = true;
            } else if (item.error() != null) {
                failure = new IOException("transfer broke off after " + received + " bytes: "
                        + describe(item.error()), item.error());
            } else {
                buffers = item.data().iterator();
                subscription.getNow(null).request(1);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cancel();
            }
        }

        private void cancel() {
            // Before onSubscribe this runs when the subscription arrives.
            subscription.thenAccept(Flow.Subscription::cancel);
            items.clear();
        }
    }
}

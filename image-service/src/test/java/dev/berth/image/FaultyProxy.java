package dev.berth.image;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 front on loopback for a registry: forwards GET and HEAD with their headers and, on cue, breaks the
 * answer for one path the way networks and registries break: a body cut short, bytes flipped, the connection reset,
 * a body that stops flowing, or HTTP 500 instead. A raw socket (not com.sun.net.httpserver) so that a reset is a
 * real RST and a short body really carries the full Content-Length.
 *
 * <p>One request per connection: every answer says {@code Connection: close}, so a fault never leaks into the next
 * request. Thread-safe; {@link #close()} releases stalled connections.
 */
final class FaultyProxy implements AutoCloseable {
    /** What happens to a response whose path is targeted. */
    enum Fault {
        /** The full Content-Length is announced, half the body sent, then the connection closed normally. */
        TRUNCATE,
        /** The full body with some of its bytes flipped. */
        CORRUPT,
        /** Half the body, then a TCP reset. */
        RESET,
        /** Half the body, then nothing until the proxy is closed. */
        STALL,
        /** HTTP 500 with a distribution-style error body instead of the content. */
        ERROR_500
    }

    private record Rule(String pathSuffix, Fault fault, AtomicInteger remaining) {
    }

    /** Headers java.net.http sets itself and refuses from callers, plus hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection");

    private final URI upstream;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Rule rule;

    private FaultyProxy(URI upstream, ServerSocket server) {
        this.upstream = upstream;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("faulty-proxy-accept").start(this::acceptLoop);
    }

    /** Starts a proxy for {@code upstream} (e.g. {@code http://127.0.0.1:5000}) on a free loopback port. */
    static FaultyProxy start(URI upstream) {
        try {
            return new FaultyProxy(upstream, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint to give a client, {@code http://127.0.0.1:<port>}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Breaks the next {@code times} responses to paths ending in {@code pathSuffix} with {@code fault}. */
    void inject(String pathSuffix, Fault fault, int times) {
        rule = new Rule(pathSuffix, fault, new AtomicInteger(times));
    }

    /** Breaks every response to paths ending in {@code pathSuffix}. */
    void inject(String pathSuffix, Fault fault) {
        inject(pathSuffix, fault, Integer.MAX_VALUE);
    }

    /** Lets everything through from now on. */
    void heal() {
        rule = null;
    }

    /** GET and HEAD requests so far for paths ending in {@code pathSuffix}. */
    int requests(String pathSuffix) {
        return requests.entrySet().stream()
                .filter(e -> e.getKey().endsWith(pathSuffix))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread.ofVirtual().name("faulty-proxy-conn").start(() -> serve(socket));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.get(0).split(" ");
            String method = requestLine[0];
            String target = requestLine[1];
            String path = URI.create(target).getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            OutputStream out = socket.getOutputStream();
            Fault fault = faultFor(path);
            if (fault == Fault.ERROR_500) {
                byte[] body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected fault\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                writeHead(out, 500, Map.of("Content-Type", List.of("application/json")), body.length);
                out.write(body);
                out.flush();
                return;
            }
            HttpResponse<byte[]> response = forward(method, target, head);
            byte[] body = response.body();
            long length = method.equals("HEAD")
                    ? response.headers().firstValueAsLong("Content-Length").orElse(0)
                    : body.length;
            writeHead(out, response.statusCode(), response.headers().map(), length);
            if (method.equals("HEAD")) {
                out.flush();
                return;
            }
            if (fault == null || response.statusCode() != 200) {
                out.write(body);
                out.flush();
                return;
            }
            breakBody(socket, out, body, fault);
        } catch (IOException e) {
            // the client went away; nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    private Fault faultFor(String path) {
        Rule current = rule;
        if (current == null || !path.endsWith(current.pathSuffix())) {
            return null;
        }
        return current.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? current.fault() : null;
    }

    private void breakBody(Socket socket, OutputStream out, byte[] body, Fault fault) throws IOException,
            InterruptedException {
        int half = body.length / 2;
        switch (fault) {
            case CORRUPT -> {
                byte[] flipped = body.clone();
                for (int i = half; i < Math.min(half + 16, flipped.length); i++) {
                    flipped[i] ^= (byte) 0xff;
                }
                out.write(flipped);
                out.flush();
            }
            case TRUNCATE -> {
                out.write(body, 0, half);
                out.flush();
                socket.shutdownOutput();
            }
            case RESET -> {
                out.write(body, 0, half);
                out.flush();
                socket.setSoLinger(true, 0); // close() now sends RST instead of FIN
            }
            case STALL -> {
                out.write(body, 0, half);
                out.flush();
                closed.await();
            }
            case ERROR_500 -> throw new IllegalStateException("answered before forwarding");
        }
    }

    private HttpResponse<byte[]> forward(String method, String target, List<String> head) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(target))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).strip();
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, line.substring(colon + 1).strip());
            }
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void writeHead(OutputStream out, int status, Map<String, List<String>> headers, long length)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" \r\n"); // the reason phrase may be empty
        headers.forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
            }
        });
        head.append("Content-Length: ").append(length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The request line and header lines, or nothing if the client closed first. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            bytes.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        if (matched < 4) {
            return List.of();
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return List.of(text.substring(0, text.length() - 4).split("\r\n"));
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
            acceptor.join(Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
        http.shutdownNow();
    }
}

package dev.berth.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.DoubleSupplier;

/**
 * Berth's Prometheus metrics: one family of operation metrics labelled by CRI operation, plus gauges the
 * daemon registers for what it holds. Thread-safe.
 */
public final class Metrics implements AutoCloseable {

    private static final double[] LATENCY_BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter operations;
    private final Counter errors;
    private final Histogram duration;
    private HTTPServer server;

    public Metrics() {
        operations = Counter.builder()
                .name("berth_operations_total")
                .help("CRI operations served, by operation")
                .labelNames("operation")
                .register(registry);
        errors = Counter.builder()
                .name("berth_operation_errors_total")
                .help("CRI operations that failed, by operation and gRPC status code")
                .labelNames("operation", "code")
                .register(registry);
        duration = Histogram.builder()
                .name("berth_operation_duration_seconds")
                .help("Time to serve a CRI operation, by operation")
                .labelNames("operation")
                .classicUpperBounds(LATENCY_BUCKETS)
                .classicOnly()
                .register(registry);
    }

    public void recordOperation(String operation, String code, long nanos) {
        operations.labelValues(operation).inc();
        if (!"OK".equals(code)) {
            errors.labelValues(operation, code).inc();
        }
        duration.labelValues(operation).observe(nanos / 1e9);
    }

    /** Registers a gauge whose value is read at scrape time. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** Starts serving {@code /metrics} on host:port. */
    public void serve(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("metrics.address must be host:port, not " + address);
        }
        JvmMetrics.builder().register(registry);
        server = HTTPServer.builder()
                .hostname(address.substring(0, colon))
                .port(Integer.parseInt(address.substring(colon + 1)))
                .registry(registry)
                .buildAndStart();
    }

    /** The port metrics are served on, or -1 when not serving. */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}

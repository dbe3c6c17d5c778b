package dev.berth.server.grpc;

import dev.berth.host.CommandException;
import dev.berth.server.metrics.Metrics;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place where calls are guarded: refuses calls until start-up recovery is done, turns exceptions
 * into gRPC statuses, gives every call a request id for the logs, logs each call once (mutating calls at
 * INFO, reads at DEBUG) and records the operation metrics. Thread-safe.
 */
public final class CallInterceptor implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.berth.calls");
    /** Calls kubelet makes every few seconds (ExecSync runs exec probes): logged at DEBUG, not INFO. */
    private static final Set<String> READS = Set.of(
            "ExecSync", "Version", "Status", "RuntimeConfig", "ListPodSandbox", "PodSandboxStatus", "ListContainers",
            "ContainerStatus", "ListImages", "ImageStatus", "ImageFsInfo", "ContainerStats", "ListContainerStats",
            "PodSandboxStats", "ListPodSandboxStats", "ListMetricDescriptors", "ListPodSandboxMetrics");

    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final AtomicLong nextId = new AtomicLong();

    public CallInterceptor(Metrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                         ServerCallHandler<Q, R> next) {
        String operation = call.getMethodDescriptor().getBareMethodName();
        String requestId = Long.toHexString(nextId.incrementAndGet());
        long start = System.nanoTime();
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record(operation, requestId, status, System.nanoTime() - start);
                super.close(status, trailers);
            }
        };
        if (!ready.getAsBoolean()) {
            observed.close(Status.UNAVAILABLE.withDescription("berth is starting: recovering state"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        ServerCall.Listener<Q> delegate;
        try (var ignored = MDC.putCloseable("request", requestId)) {
            delegate = next.startCall(observed, headers);
        }
        return new Guard<>(delegate, observed, requestId);
    }

    private void record(String operation, String requestId, Status status, long nanos) {
        metrics.recordOperation(operation, status.getCode().name(), nanos);
        try (var ignored = MDC.putCloseable("request", requestId)) {
            long millis = nanos / 1_000_000;
            if (!status.isOk() && (status.getCode() == Status.Code.INTERNAL || !READS.contains(operation))) {
                LOG.warn("{} failed in {} ms: {} {}", operation, millis, status.getCode(), status.getDescription());
            } else if (!status.isOk()) {
                // kubelet keeps asking about containers it has just removed, and probes time out by design
                LOG.info("{} failed in {} ms: {} {}", operation, millis, status.getCode(), status.getDescription());
            } else if (READS.contains(operation)) {
                LOG.debug("{} ok in {} ms", operation, millis);
            } else {
                LOG.info("{} ok in {} ms", operation, millis);
            }
        }
    }

    /** Runs each listener callback with the request id set and converts what it throws into a status. */
    private static final class Guard<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final String requestId;

        Guard(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, String requestId) {
            super(delegate);
            this.call = call;
            this.requestId = requestId;
        }

        @Override
        public void onMessage(Q message) {
            guarded(() -> super.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            guarded(super::onHalfClose);
        }

        @Override
        public void onCancel() {
            guarded(super::onCancel);
        }

        @Override
        public void onComplete() {
            guarded(super::onComplete);
        }

        @Override
        public void onReady() {
            guarded(super::onReady);
        }

        private void guarded(Runnable callback) {
            try (var ignored = MDC.putCloseable("request", requestId)) {
                callback.run();
            } catch (RuntimeException e) {
                Status status = Errors.toStatus(e);
                if (Errors.isDefect(e)) {
                    LOG.error("unexpected failure", e);
                } else if (e instanceof CommandException command) {
                    LOG.debug("failed command: {}", String.join(" ", command.command()));
                }
                try {
                    call.close(status, new Metadata());
                } catch (IllegalStateException alreadyClosed) {
                    // the handler closed the call before failing; the first status stands
                }
            }
        }
    }
}

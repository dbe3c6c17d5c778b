package dev.berth.server.fakes;

import dev.berth.network.NetworkStatus;
import dev.berth.network.PodNetwork;
import dev.berth.network.PodNetworkRequest;
import dev.berth.network.PodNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory {@link PodNetworks}: attaching a pod hands out the configured addresses and remembers the
 * request, detaching forgets it (and succeeds for pods never attached, as CNI DEL does). Every call is
 * recorded in the {@link CallLog} as {@code network.<method>(<sandbox id>)}; {@link #failOn} makes a method
 * throw after recording. Ready by default. Thread-safe.
 */
public final class FakePodNetworks implements PodNetworks {

    /** The network name attachments report. */
    public static final String NETWORK_NAME = "berth";

    private final CallLog log;
    private final Failures failures = new Failures(PodNetworks.class);
    private final Map<String, PodNetworkRequest> attached = new TreeMap<>();
    private final List<PodNetworkRequest> attachRequests = new ArrayList<>();
    private final List<PodNetworkRequest> detachRequests = new ArrayList<>();
    private NetworkStatus status = new NetworkStatus(true, "", "");
    private List<String> ips = List.of("10.88.0.2");

    public FakePodNetworks(CallLog log) {
        this.log = log;
    }

    /** Makes every later call of {@code method} (a {@link PodNetworks} method name) throw {@code failure}. */
    public synchronized void failOn(String method, RuntimeException failure) {
        failures.failOn(method, failure);
    }

    public synchronized void clearFailures() {
        failures.clear();
    }

    /** What {@link #status()} answers from now on. */
    public synchronized void setStatus(NetworkStatus status) {
        this.status = status;
    }

    /** The addresses later attachments get, primary first. */
    public synchronized void assignIps(String... ips) {
        this.ips = List.of(ips);
    }

    /** Seeds an attachment, as if left by an earlier run; not recorded. */
    public synchronized void addAttachment(PodNetworkRequest request) {
        attached.put(request.sandboxId(), request);
    }

    /** The request the pod is attached with, if it is attached. */
    public synchronized Optional<PodNetworkRequest> attachment(String sandboxId) {
        return Optional.ofNullable(attached.get(sandboxId));
    }

    /** Every request attach received, failed ones included. */
    public synchronized List<PodNetworkRequest> attachRequests() {
        return List.copyOf(attachRequests);
    }

    /** Every request detach received, failed ones included. */
    public synchronized List<PodNetworkRequest> detachRequests() {
        return List.copyOf(detachRequests);
    }

    @Override
    public synchronized NetworkStatus status() {
        call("status", true);
        return status;
    }

    @Override
    public synchronized PodNetwork attach(PodNetworkRequest req) {
        attachRequests.add(req);
        call("attach", false, req.sandboxId());
        if (req.netnsPath().isBlank()) {
            throw new IllegalArgumentException("netnsPath is required to attach sandbox " + req.sandboxId());
        }
        attached.put(req.sandboxId(), req);
        return new PodNetwork(NETWORK_NAME, "eth0", ips, "{}");
    }

    @Override
    public synchronized void detach(PodNetworkRequest req) {
        detachRequests.add(req);
        call("detach", false, req.sandboxId());
        attached.remove(req.sandboxId());
    }

    @Override
    public synchronized List<String> cachedSandboxIds() {
        call("cachedSandboxIds", true);
        return List.copyOf(attached.keySet());
    }

    private void call(String method, boolean query, Object... args) {
        log.record("network." + method, query, args);
        failures.check(method);
    }
}

package dev.berth.bench;

import dev.berth.cri.v1.ImageServiceGrpc;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.PodSandbox;
import dev.berth.cri.v1.PodSandboxFilter;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RuntimeServiceGrpc;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.cri.v1.VersionResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One CRI endpoint under measurement: its channel, the daemon's PID (or 0 when unknown) and the label that marks
 * every pod the benchmark makes on it, so that cleanup finds them all, including pods of a call that failed after
 * the runtime made them. Not thread-safe.
 */
final class Target implements AutoCloseable {

    static final String RUN_LABEL = "dev.berth.bench/run";

    final String name;
    final String endpoint;
    final long daemonPid;
    final String runId;
    private final ManagedChannel channel;
    private VersionResponse version = VersionResponse.getDefaultInstance();

    Target(String name, String endpoint, long daemonPid, String runId) {
        this.name = name;
        this.endpoint = endpoint;
        this.daemonPid = daemonPid;
        this.runId = runId;
        this.channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create()).build();
    }

    /**
     * A target from {@code [NAME=]unix:///path}; without a name, the socket file's name without its extension.
     */
    static Target parse(String spec, long daemonPid, String runId) {
        int equals = spec.indexOf('=');
        int scheme = spec.indexOf("://");
        if (equals > 0 && (scheme < 0 || equals < scheme)) {
            return new Target(spec.substring(0, equals), spec.substring(equals + 1), daemonPid, runId);
        }
        String file = spec.substring(spec.lastIndexOf('/') + 1);
        int dot = file.indexOf('.');
        return new Target(dot > 0 ? file.substring(0, dot) : file, spec, daemonPid, runId);
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES);
    }

    /** Waits until the runtime answers Version (a daemon just started may still bind or recover). */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                version = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .version(VersionRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " (" + endpoint + ") did not answer Version within "
                            + timeout.toSeconds() + " s: " + notYet.getStatus());
                }
            }
            Thread.sleep(100);
        }
    }

    String runtimeName() {
        return version.getRuntimeName() + " " + version.getRuntimeVersion();
    }

    /** The pods of this benchmark run that the runtime still lists. */
    List<PodSandbox> pods() {
        return runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(RUN_LABEL, runId)).build()).getItemsList();
    }

    /**
     * Stops and removes every pod of this benchmark run, and with them their containers (RemovePodSandbox removes
     * a pod's containers, as the CRI requires). Returns how many pods were left; problems go to standard error
     * so that one stuck pod does not keep the others.
     */
    int removeEverything() {
        int removed = 0;
        try {
            for (PodSandbox pod : pods()) {
                try {
                    runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
                    runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId())
                            .build());
                    removed++;
                } catch (StatusRuntimeException e) {
                    System.err.println("bench: " + name + ": could not remove pod " + pod.getId() + ": " + e.getStatus());
                }
            }
        } catch (StatusRuntimeException e) {
            System.err.println("bench: " + name + ": could not list its pods for cleanup: " + e.getStatus());
        }
        return removed;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}

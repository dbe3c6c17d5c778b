package dev.berth.server;

import dev.berth.image.ImageSettings;
import dev.berth.image.ImageStore;
import dev.berth.image.Images;
import dev.berth.image.RegistryMirror;
import dev.berth.host.PrivateFiles;
import dev.berth.network.CniManager;
import dev.berth.network.CniSettings;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.PodRuntime;
import dev.berth.sandbox.RuntimeSettings;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxRuntime;
import dev.berth.server.config.BerthConfig;
import dev.berth.server.grpc.GrpcServer;
import dev.berth.server.metrics.Metrics;
import dev.berth.server.sandbox.RunPodSandbox;
import dev.berth.server.streaming.StreamingServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: composes the runtime, network and image subsystems, recovers state left by an earlier
 * run, and serves the CRI. Containers are never touched on shutdown: conmon keeps them running, and the next
 * start picks them up again.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final BerthConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean ready;
    private Metrics metrics;
    private SandboxRuntime runtime;
    private Images images;
    private GrpcServer server;
    private StreamingServer streaming;

    public Daemon(BerthConfig config) {
        this.config = config;
    }

    public void start() throws IOException {
        long begin = System.nanoTime();
        // Two daemons on one state directory would fight over every container: refuse before touching anything.
        if (GrpcServer.isServed(config.socketPath())) {
            throw new IOException("another process is serving on " + config.socketPath()
                    + ": is berth already running?");
        }
        secureDirectories(config);
        metrics = new Metrics();
        if (!config.metrics().address().isEmpty()) {
            metrics.serve(config.metrics().address());
        }
        runtime = new PodRuntime(new RuntimeSettings(config.rootPath(), config.statePath(),
                Path.of(config.runtime().runc()), Path.of(config.runtime().conmon()),
                Path.of(config.runtime().catatonit()), config.runtime().cgroupDriver(),
                config.runtime().cgroupParent()));
        Path confDir = Path.of(config.cni().confDir());
        if (config.cni().defaultNetwork()
                && CniManager.writeDefaultConfig(confDir, config.cni().defaultBridge(), config.cni().defaultSubnet())) {
            LOG.info("no CNI config in {}: wrote the default bridge network ({} on {})", confDir,
                    config.cni().defaultSubnet(), config.cni().defaultBridge());
        }
        CniManager network = new CniManager(new CniSettings(confDir,
                config.cni().binDirs().stream().map(Path::of).toList(), config.rootPath().resolve("cni/cache")));
        List<RegistryMirror> mirrors = new ArrayList<>();
        config.registry().mirrors().forEach((host, mirror) -> mirrors.add(new RegistryMirror(host, mirror.endpoints())));
        images = ImageStore.open(new ImageSettings(config.rootPath().resolve("images"), mirrors,
                config.images().allowDeviceNodes()));
        streaming = new StreamingServer(config.streaming().address(), runtime);
        streaming.start();
        Services services = new Services(config, runtime, network, images, streaming);
        registerGauges();

        server = new GrpcServer(config.socketPath(), services, metrics, () -> ready);
        server.start();
        recover(services);
        ready = true;
        LOG.info("berth {} serving on {} (started in {} ms)", BuildInfo.version(), config.socketPath(),
                (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Creates the root and state directories, or tightens those of an earlier install: only root may enter
     * them or any directory in the state directory, since they hold container filesystems, image layers (whose
     * set-id programs would run as root from the host) and specs with the environment kubelet passes. A CRI
     * socket meant for a group of users goes outside the state directory.
     */
    static void secureDirectories(BerthConfig config) throws IOException {
        PrivateFiles.ensureDirectory(config.rootPath(), PrivateFiles.DIRECTORY);
        Path state = PrivateFiles.ensureDirectory(config.statePath(), PrivateFiles.DIRECTORY);
        try (var entries = Files.newDirectoryStream(state)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    PrivateFiles.ensureDirectory(entry, PrivateFiles.DIRECTORY);
                }
            }
        }
    }

    /**
     * Reconciles what an earlier run left: the runtime checks its containers against runc and conmon, then
     * root filesystems of containers that no longer exist are unmounted and network attachments of pods
     * that no longer exist are deleted.
     */
    private void recover(Services services) {
        runtime.recover(sandbox -> {
            if (sandbox.netnsPath() != null) {
                services.network().detach(RunPodSandbox.networkRequest(sandbox));
            }
        });
        Set<String> containers = runtime.containers().stream().map(ContainerInfo::id).collect(Collectors.toSet());
        for (String id : images.mountedContainers()) {
            if (!containers.contains(id)) {
                LOG.info("unmounting the rootfs of vanished container {}", id);
                images.unmountRootfs(id);
            }
        }
        Set<String> sandboxes = runtime.sandboxes().stream().map(SandboxInfo::id).collect(Collectors.toSet());
        for (String id : services.network().cachedSandboxIds()) {
            if (!sandboxes.contains(id)) {
                LOG.info("deleting the network attachment of vanished pod {}", id);
                try {
                    services.network().detach(new dev.berth.network.PodNetworkRequest(id, "", "", "", "", List.of()));
                } catch (RuntimeException e) {
                    LOG.warn("could not delete the network attachment of vanished pod {}", id, e);
                }
            }
        }
    }

    private void registerGauges() {
        metrics.gauge("berth_pod_sandboxes", "Pod sandboxes Berth holds", () -> runtime.sandboxes().size());
        metrics.gauge("berth_containers", "Containers Berth holds", () -> runtime.containers().size());
        metrics.gauge("berth_images", "Images in the image store", () -> images.list().size());
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean isReady() {
        return ready;
    }

    @Override
    public void close() {
        // Runs from the shutdown hook and, after a failed start, from main as well: once is enough.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready = false;
        try {
            if (server != null) {
                server.stop(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (streaming != null) {
            streaming.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (images != null) {
            images.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("berth stopped; containers keep running under conmon");
        stopped.countDown();
    }
}

package dev.berth.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.host.BerthException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches pods to and detaches them from the node's CNI network by running the CNI plugins.
 *
 * <p>The network is the first valid config of the conf dir in file name order; the pod also gets the
 * loopback plugin on "lo". Every attachment is cached on disk so that DEL and CHECK see the config and
 * result of the ADD. Operations on one sandbox are serialized; different sandboxes proceed in parallel.
 *
 * <p>Thread-safe. Arguments must not be null. Failures are {@link BerthException}s (plugin failures,
 * missing config) or {@link IllegalArgumentException}s (malformed requests).
 */
public final class CniManager implements PodNetworks {

    private static final Logger LOG = LoggerFactory.getLogger(CniManager.class);
    static final String POD_IFNAME = "eth0";
    static final String LOOPBACK_IFNAME = "lo";
    static final Duration DEFAULT_PLUGIN_DEADLINE = Duration.ofSeconds(60);
    private static final int LOCK_STRIPES = 64;

    // 0.3.1 is understood by every loopback plugin still in use; loopback needs nothing newer.
    private static final NetworkConfigList LOOPBACK = ConfigLoader.parse(
            "{\"cniVersion\":\"0.3.1\",\"name\":\"cni-loopback\",\"plugins\":[{\"type\":\"loopback\"}]}",
            "built-in loopback.conflist");

    private final CniSettings settings;
    private final PluginInvoker invoker;
    private final NetworkChain chain;
    private final ResultCache cache;
    private final ReentrantLock[] sandboxLocks = new ReentrantLock[LOCK_STRIPES];
    private final ReentrantLock configLock = new ReentrantLock();
    private ConfigLoader.Fingerprint fingerprint;
    private ConfigLoader.Scan scan;

    /** A manager for the given locations with a 60 s deadline per plugin invocation. */
    public CniManager(CniSettings settings) {
        this(settings, DEFAULT_PLUGIN_DEADLINE);
    }

    CniManager(CniSettings settings, Duration pluginDeadline) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.invoker = new PluginInvoker(settings.binDirs(), pluginDeadline);
        this.chain = new NetworkChain(invoker);
        this.cache = new ResultCache(settings.cacheDir());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            sandboxLocks[i] = new ReentrantLock();
        }
    }

    /** Whether pods can be attached now; re-reads the conf dir when its files changed. */
    public NetworkStatus status() {
        try {
            selectNetwork();
            return NetworkStatus.ok();
        } catch (BerthException e) {
            return NetworkStatus.notReady(e.getMessage());
        }
    }

    /**
     * Runs ADD of loopback ("lo") and then of the network list ("eth0") in the pod's netns, caches the
     * attachment and returns its addresses. On any failure everything done is undone by DEL before the
     * exception propagates.
     */
    public PodNetwork attach(PodNetworkRequest req) {
        Objects.requireNonNull(req, "req");
        if (req.netnsPath().isBlank()) {
            throw new IllegalArgumentException("netnsPath is required to attach sandbox " + req.sandboxId());
        }
        ReentrantLock lock = lockFor(req.sandboxId());
        lock.lock();
        try {
            NetworkConfigList net = selectNetwork();
            RuntimeConf lo = RuntimeConf.of(req, req.netnsPath(), LOOPBACK_IFNAME);
            RuntimeConf rt = RuntimeConf.of(req, req.netnsPath(), POD_IFNAME);
            chain.add(LOOPBACK, lo);
            ResultCache.Entry pending = new ResultCache.Entry(rt, net, null);
            try {
                cache.write(pending);
            } catch (IOException | RuntimeException e) {
                RuntimeException failure = new UncheckedIOException(new IOException(
                        "cannot cache CNI attachment of sandbox " + req.sandboxId() + " in " + settings.cacheDir(), e));
                chain.delQuietly(LOOPBACK, lo, null, failure);
                throw failure;
            }
            ObjectNode result;
            try {
                result = chain.add(net, rt);
            } catch (RuntimeException e) {
                chain.delQuietly(LOOPBACK, lo, null, e);
                deleteQuietly(pending);
                throw e;
            }
            ResultCache.Entry entry = new ResultCache.Entry(rt, net, result);
            try {
                cache.write(entry);
            } catch (IOException | RuntimeException e) {
                RuntimeException failure = new UncheckedIOException(new IOException(
                        "cannot cache CNI result of sandbox " + req.sandboxId() + " in " + settings.cacheDir(), e));
                chain.delQuietly(net, rt, result, failure);
                chain.delQuietly(LOOPBACK, lo, null, failure);
                deleteQuietly(entry);
                throw failure;
            }
            return new PodNetwork(net.name(), POD_IFNAME, CniResults.ips(result, POD_IFNAME), Json.write(result));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs DEL for every cached attachment of the sandbox (or, with none cached, for the current network
     * without prevResult) and for loopback, then forgets the attachment. Succeeds for a sandbox never
     * attached or already detached. A netns path that no longer exists is passed as an empty CNI_NETNS.
     */
    public void detach(PodNetworkRequest req) {
        Objects.requireNonNull(req, "req");
        ReentrantLock lock = lockFor(req.sandboxId());
        lock.lock();
        try {
            String netns = existingNetns(req.netnsPath());
            List<ResultCache.Entry> entries = cache.find(req.sandboxId());
            List<RuntimeException> failures = new ArrayList<>();
            if (entries.isEmpty()) {
                NetworkConfigList net = usableNetworkOrNull();
                if (net != null) {
                    run(failures, () -> chain.del(net, RuntimeConf.of(req, netns, POD_IFNAME), null));
                }
            }
            for (ResultCache.Entry entry : entries) {
                String entryNetns = netns.isEmpty() ? existingNetns(entry.runtime().netns()) : netns;
                int before = failures.size();
                run(failures, () -> chain.del(entry.network(), entry.runtime().withNetns(entryNetns), entry.result()));
                if (failures.size() == before) {
                    run(failures, () -> deleteOrFail(entry));
                }
            }
            if (invoker.find("loopback").isPresent()) {
                run(failures, () -> chain.del(LOOPBACK, RuntimeConf.of(req, netns, LOOPBACK_IFNAME), null));
            }
            if (!failures.isEmpty()) {
                RuntimeException first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                throw first;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs CHECK with the cached result. True when every cached attachment passes (or its config version
     * predates CHECK or disables it); false when the sandbox is not attached, its netns is gone or a
     * plugin reports a problem.
     */
    public boolean check(PodNetworkRequest req) {
        Objects.requireNonNull(req, "req");
        ReentrantLock lock = lockFor(req.sandboxId());
        lock.lock();
        try {
            List<ResultCache.Entry> entries = cache.find(req.sandboxId());
            if (entries.isEmpty()) {
                return false;
            }
            for (ResultCache.Entry entry : entries) {
                String netns = existingNetns(req.netnsPath().isBlank() ? entry.runtime().netns() : req.netnsPath());
                if (netns.isEmpty() || entry.result() == null) {
                    return false;
                }
                try {
                    chain.check(entry.network(), entry.runtime().withNetns(netns), entry.result());
                } catch (BerthException e) {
                    LOG.info("CNI CHECK of sandbox {} failed: {}", req.sandboxId(), e.getMessage());
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sandbox ids with a cached attachment, sorted; the runtime detaches those whose pods are gone. */
    public List<String> cachedSandboxIds() {
        return cache.all().stream().map(ResultCache.Entry::sandboxId).distinct().sorted().toList();
    }

    /**
     * Writes {@code 10-berth-bridge.conflist} (network "berth": bridge with host-local IPAM, then portmap)
     * into {@code confDir} if it holds no config at all. Returns true if it wrote the file.
     *
     * @throws IllegalArgumentException for a malformed bridge name or subnet
     * @throws UncheckedIOException when the dir cannot be read or written
     */
    public static boolean writeDefaultConfig(Path confDir, String bridgeName, String subnet) {
        try {
            return DefaultNetworkConfig.writeIfAbsent(confDir, bridgeName, subnet);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write default CNI config to " + confDir, e);
        }
    }

    // The first valid config is the network, as kubelet-era runtimes do. If its plugins are missing the
    // node is not ready rather than silently falling back to a later config: CNI installers commonly write
    // the config just before (or after) the binaries, and pods must not land on the wrong network.
    private NetworkConfigList selectNetwork() {
        ConfigLoader.Scan current;
        try {
            current = currentScan();
        } catch (IOException e) {
            throw BerthException.failedPrecondition("cni config uninitialized: cannot read " + settings.confDir() + ": " + e.getMessage(), e);
        }
        if (current.networks().isEmpty()) {
            String skipped = current.skipped().isEmpty() ? "" : " (skipped " + String.join("; ", current.skipped()) + ")";
            throw BerthException.failedPrecondition("cni config uninitialized: no valid network config in " + settings.confDir() + skipped);
        }
        NetworkConfigList net = current.networks().get(0);
        List<String> missing = new ArrayList<>();
        for (String type : net.pluginTypes()) {
            if (invoker.find(type).isEmpty() && !missing.contains(type)) {
                missing.add(type);
            }
        }
        if (invoker.find("loopback").isEmpty()) {
            missing.add("loopback");
        }
        if (!missing.isEmpty()) {
            throw BerthException.failedPrecondition("network '" + net.name() + "' ("
                    + settings.confDir().resolve(net.source()) + ") needs CNI plugins " + missing
                    + " not found in " + settings.binDirs());
        }
        return net;
    }

    private NetworkConfigList usableNetworkOrNull() {
        try {
            return selectNetwork();
        } catch (BerthException e) {
            LOG.debug("no usable network for DEL without cache: {}", e.getMessage());
            return null;
        }
    }

    private ConfigLoader.Scan currentScan() throws IOException {
        configLock.lock();
        try {
            ConfigLoader.Fingerprint now = ConfigLoader.fingerprint(settings.confDir());
            if (scan == null || !now.equals(fingerprint)) {
                scan = ConfigLoader.scan(settings.confDir());
                fingerprint = now;
                scan.skipped().forEach(s -> LOG.warn("skipping CNI config {}", s));
            }
            return scan;
        } finally {
            configLock.unlock();
        }
    }

    private ReentrantLock lockFor(String sandboxId) {
        return sandboxLocks[Math.floorMod(sandboxId.hashCode(), LOCK_STRIPES)];
    }

    private static String existingNetns(String path) {
        return path == null || path.isBlank() || !Files.exists(Path.of(path)) ? "" : path;
    }

    private void deleteOrFail(ResultCache.Entry entry) {
        try {
            cache.delete(entry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove CNI cache entry " + entry.fileName(), e);
        }
    }

    private void deleteQuietly(ResultCache.Entry entry) {
        try {
            cache.delete(entry);
        } catch (IOException e) {
            LOG.warn("cannot remove CNI cache entry {}: {}", entry.fileName(), e.getMessage());
        }
    }

    private static void run(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}

package dev.berth.server.sandbox;

import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PortMapping;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxResponse;
import dev.berth.host.BerthException;
import dev.berth.host.Cleanup;
import dev.berth.host.Failpoints;
import dev.berth.host.Failpoints.Step;
import dev.berth.network.PodNetwork;
import dev.berth.network.PodNetworkRequest;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.validation.RequestChecks;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunPodSandbox: pins the pod's namespaces, attaches it to the CNI network and records its IPs. On any
 * failure everything made so far is undone, so a failed call leaves nothing behind.
 */
public final class RunPodSandbox {

    private static final Logger LOG = LoggerFactory.getLogger(RunPodSandbox.class);

    private final Services services;

    public RunPodSandbox(Services services) {
        this.services = services;
    }

    public RunPodSandboxResponse handle(RunPodSandboxRequest request) {
        validate(request);
        PodSandboxConfig config = request.getConfig();
        String id = Ids.newId();
        SandboxInfo sandbox;
        try {
            sandbox = services.runtime().createSandbox(id, config, request.getRuntimeHandler());
        } catch (BerthException.InvalidArgument e) {
            // the runtime names the fields of the pod config it was given
            throw e.under("config");
        }
        Cleanup undo = new Cleanup();
        undo.add("remove the pod", () -> SandboxTeardown.remove(services, sandbox));
        try {
            List<String> ips = List.of();
            if (sandbox.netnsPath() != null) {
                PodNetwork network = services.network().attach(networkRequest(sandbox));
                Failpoints.reached(Step.RUN_POD_NETWORK);
                ips = network.ips();
            }
            services.runtime().setSandboxNetwork(id, ips.isEmpty() ? "" : ips.get(0),
                    ips.size() > 1 ? ips.subList(1, ips.size()) : List.of());
            undo.commit();
        } catch (RuntimeException e) {
            throw undo.rollback(e);
        }
        return RunPodSandboxResponse.newBuilder().setPodSandboxId(id).build();
    }

    /** The network request of a pod, as RunPodSandbox attached it and its teardown detaches it. */
    public static PodNetworkRequest networkRequest(SandboxInfo sandbox) {
        PodSandboxConfig config = sandbox.config();
        List<dev.berth.network.PortMapping> ports = new ArrayList<>();
        for (PortMapping port : config.getPortMappingsList()) {
            if (port.getHostPort() > 0) {
                ports.add(new dev.berth.network.PortMapping(protocol(port), port.getContainerPort(),
                        port.getHostPort(), port.getHostIp()));
            }
        }
        return new PodNetworkRequest(sandbox.id(), sandbox.netnsPath(), config.getMetadata().getName(),
                config.getMetadata().getNamespace(), config.getMetadata().getUid(), ports);
    }

    private static String protocol(PortMapping port) {
        return switch (port.getProtocol()) {
            case UDP -> "udp";
            case SCTP -> "sctp";
            default -> "tcp";
        };
    }

    private void validate(RunPodSandboxRequest request) {
        if (!request.hasConfig()) {
            throw BerthException.invalid("config", "is required");
        }
        PodSandboxConfig config = request.getConfig();
        if (!config.hasMetadata()) {
            throw BerthException.invalid("config.metadata", "is required");
        }
        if (config.getMetadata().getName().isEmpty()) {
            throw BerthException.invalid("config.metadata.name", "is required");
        }
        if (config.getMetadata().getNamespace().isEmpty()) {
            throw BerthException.invalid("config.metadata.namespace", "is required");
        }
        if (config.getMetadata().getUid().isEmpty()) {
            throw BerthException.invalid("config.metadata.uid", "is required");
        }
        RequestChecks.cniArg("config.metadata.name", config.getMetadata().getName());
        RequestChecks.cniArg("config.metadata.namespace", config.getMetadata().getNamespace());
        RequestChecks.cniArg("config.metadata.uid", config.getMetadata().getUid());
        // The kernel keeps at most 64 bytes of hostname; longer ones would fail deep inside namespace setup.
        if (config.getHostname().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            throw BerthException.invalid("config.hostname", "is longer than 64 bytes");
        }
        // the hostname and DNS settings become lines of the pod's hosts and resolv.conf
        RequestChecks.hostname("config.hostname", config.getHostname());
        RequestChecks.dns("config.dns_config", config.getDnsConfig());
        RequestChecks.cgroupPath("config.linux.cgroup_parent", config.getLinux().getCgroupParent());
        if (!config.getLogDirectory().isEmpty()) {
            RequestChecks.hostDirectory("config.log_directory", config.getLogDirectory());
        }
        String handler = request.getRuntimeHandler();
        if (!handler.isEmpty() && !services.config().runtime().handlers().contains(handler)) {
            throw BerthException.invalid("runtime_handler", "\"" + handler + "\" is not configured (known: "
                    + services.config().runtime().handlers() + ")");
        }
        for (int i = 0; i < config.getPortMappingsCount(); i++) {
            PortMapping port = config.getPortMappings(i);
            if (port.getContainerPort() <= 0 || port.getContainerPort() > 65535) {
                throw BerthException.invalid("config.port_mappings[" + i + "].container_port", "must be in 1..65535");
            }
            if (port.getHostPort() < 0 || port.getHostPort() > 65535) {
                throw BerthException.invalid("config.port_mappings[" + i + "].host_port", "must be in 0..65535");
            }
            if (!port.getHostIp().isEmpty()) {
                RequestChecks.ipAddress("config.port_mappings[" + i + "].host_ip", port.getHostIp());
            }
        }
        LOG.debug("running pod {}/{}", config.getMetadata().getNamespace(), config.getMetadata().getName());
    }
}

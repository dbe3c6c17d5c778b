package dev.berth.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Per-invocation parameters of one network attachment: the CNI_* values and the capability arguments
 * (keyed by capability name) that become {@code runtimeConfig}. The node is never mutated after creation.
 */
record RuntimeConf(String containerId, String netns, String ifName, String cniArgs, ObjectNode capabilityArgs) {

    RuntimeConf withNetns(String path) {
        return new RuntimeConf(containerId, path, ifName, cniArgs, capabilityArgs);
    }

    /** CNI_ARGS as Kubernetes runtimes pass them; IgnoreUnknown lets plugins accept keys they don't know. */
    static String cniArgs(PodNetworkRequest req) {
        return "IgnoreUnknown=1"
                + ";K8S_POD_NAMESPACE=" + req.podNamespace()
                + ";K8S_POD_NAME=" + req.podName()
                + ";K8S_POD_INFRA_CONTAINER_ID=" + req.sandboxId()
                + ";K8S_POD_UID=" + req.podUid();
    }

    /** Capability arguments of a request: only published ports (hostPort > 0) become portMappings. */
    static ObjectNode capabilityArgs(PodNetworkRequest req) {
        ObjectNode args = Json.object();
        ArrayNode ports = Json.MAPPER.createArrayNode();
        for (PortMapping mapping : req.portMappings()) {
            if (mapping.hostPort() <= 0) {
                continue;
            }
            ObjectNode port = ports.addObject();
            port.put("hostPort", mapping.hostPort());
            port.put("containerPort", mapping.containerPort());
            port.put("protocol", mapping.protocol());
            if (!mapping.hostIp().isEmpty()) {
                port.put("hostIP", mapping.hostIp());
            }
        }
        if (!ports.isEmpty()) {
            args.set("portMappings", ports);
        }
        return args;
    }

    static RuntimeConf of(PodNetworkRequest req, String netns, String ifName) {
        return new RuntimeConf(req.sandboxId(), netns, ifName, cniArgs(req), capabilityArgs(req));
    }
}

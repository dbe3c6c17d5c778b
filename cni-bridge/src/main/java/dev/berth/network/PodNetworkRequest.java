package dev.berth.network;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the runtime knows about a pod when attaching it to, or detaching it from, the network.
 *
 * <p>Immutable. {@code sandboxId} is required and must be a valid CNI container id (letters, digits,
 * {@code _ . -}, starting with a letter or digit). {@code netnsPath} may be null or empty on detach.
 * Name, namespace and uid may be null (passed as empty). {@code portMappings} null means none.
 */
public record PodNetworkRequest(String sandboxId, String netnsPath, String podName, String podNamespace,
                                String podUid, List<PortMapping> portMappings) {

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public PodNetworkRequest {
        Objects.requireNonNull(sandboxId, "sandboxId");
        if (!CONTAINER_ID.matcher(sandboxId).matches()) {
            throw new IllegalArgumentException("invalid sandbox id for CNI: " + sandboxId);
        }
        netnsPath = netnsPath == null ? "" : netnsPath;
        podName = podName == null ? "" : podName;
        podNamespace = podNamespace == null ? "" : podNamespace;
        podUid = podUid == null ? "" : podUid;
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
    }
}

package dev.berth.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.BerthException;
import java.util.List;
import java.util.Optional;

/**
 * A pod's own user namespace (Kubernetes' {@code hostUsers: false}): the CRI's rules for {@code userns_options} and
 * the OCI ID mappings they become. kubelet gives each such pod one range of 65536 IDs starting at container ID 0,
 * and the same options to each of its containers.
 */
final class UserNamespaces {

    static final String FIELD = "linux.security_context.namespace_options.userns_options";
    /** The last ID of a 32-bit ID space, which a mapping must not reach past. */
    private static final long ID_LIMIT = 1L << 32;

    private UserNamespaces() {
    }

    /**
     * The pod's user namespace options when it has a user namespace of its own, empty when it uses the node's
     * (no options, or mode NODE).
     *
     * @throws BerthException.InvalidArgument naming the field of {@code userns_options} that cannot be honoured
     */
    static Optional<UserNamespace> ofPod(PodSandboxConfig pod, HostFacts host) {
        NamespaceOption ns = pod.getLinux().getSecurityContext().getNamespaceOptions();
        if (!ns.hasUsernsOptions()) {
            return Optional.empty();
        }
        UserNamespace userns = ns.getUsernsOptions();
        switch (userns.getMode()) {
            case NODE -> {
                if (userns.getUidsCount() > 0) {
                    throw BerthException.invalid(FIELD + ".uids", "must be empty with mode NODE: the node's user"
                            + " namespace is not mapped");
                }
                if (userns.getGidsCount() > 0) {
                    throw BerthException.invalid(FIELD + ".gids", "must be empty with mode NODE: the node's user"
                            + " namespace is not mapped");
                }
                return Optional.empty();
            }
            case POD -> {
                if (!host.oci().userNamespaces()) {
                    throw BerthException.invalid(FIELD + ".mode", "is POD, but this node's OCI runtime cannot"
                            + " give a pod its own user namespace: idmapped mounts (runc 1.2 or later) are needed");
                }
                checkMappings(FIELD + ".uids", userns.getUidsList());
                checkMappings(FIELD + ".gids", userns.getGidsList());
                // the pod's user namespace owns its other namespaces: sysfs cannot be mounted in a user namespace
                // without its network namespace, and the node's IPC and PID namespaces are not its to share
                String shared = ns.getNetwork() == NamespaceMode.NODE ? "network"
                        : ns.getIpc() == NamespaceMode.NODE ? "IPC" : ns.getPid() == NamespaceMode.NODE ? "PID" : null;
                if (shared != null) {
                    throw BerthException.invalid(FIELD + ".mode", "is POD with the node's " + shared + " namespace:"
                            + " a pod with its own user namespace shares none of the node's namespaces here");
                }
                return Optional.of(userns);
            }
            default -> throw BerthException.invalid(FIELD + ".mode", "is " + userns.getMode()
                    + ": a user namespace is the pod's (POD) or the node's (NODE)");
        }
    }

    /**
     * The user namespace a container of {@code pod} is in: the pod's. A container that names user namespace
     * options must name the pod's, as kubelet does.
     *
     * @throws BerthException.InvalidArgument naming the container's {@code userns_options} when they differ
     */
    static Optional<UserNamespace> ofContainer(ContainerConfig container, PodSandboxConfig pod, HostFacts host) {
        Optional<UserNamespace> podUserns = ofPod(pod, host);
        NamespaceOption own = container.getLinux().getSecurityContext().getNamespaceOptions();
        if (own.hasUsernsOptions()) {
            NamespaceMode mode = own.getUsernsOptions().getMode();
            if (mode != NamespaceMode.POD && mode != NamespaceMode.NODE) {
                throw BerthException.invalid(FIELD + ".mode", "is " + mode + ": a user namespace is the pod's (POD)"
                        + " or the node's (NODE)");
            }
            UserNamespace podOptions = pod.getLinux().getSecurityContext().getNamespaceOptions().getUsernsOptions();
            if (!normal(own.getUsernsOptions()).equals(normal(podOptions))) {
                throw BerthException.invalid(FIELD, "differ from the pod's: the containers of a pod share its user"
                        + " namespace");
            }
        }
        return podUserns;
    }

    /** Options of the node's namespace and no options at all mean the same. */
    private static UserNamespace normal(UserNamespace userns) {
        return userns.getMode() == NamespaceMode.NODE && userns.getUidsCount() == 0 && userns.getGidsCount() == 0
                ? UserNamespace.newBuilder().setMode(NamespaceMode.NODE).build() : userns;
    }

    /** Mappings of an idmapped bind mount ({@code Mount.uidMappings} and {@code gidMappings}). */
    static void checkMountMappings(Mount m, int i, HostFacts host) {
        if (m.getUidMappingsCount() == 0 && m.getGidMappingsCount() == 0) {
            return;
        }
        String field = "mounts[" + i + "]";
        if (!host.oci().userNamespaces()) {
            throw BerthException.invalid(field + (m.getUidMappingsCount() > 0 ? ".uidMappings" : ".gidMappings"),
                    "asks for an idmapped mount, which this node's OCI runtime cannot make (runc 1.2 or later is"
                            + " needed)");
        }
        // the OCI runtime spec wants both or neither
        checkMappings(field + ".uidMappings", m.getUidMappingsList());
        checkMappings(field + ".gidMappings", m.getGidMappingsList());
    }

    /**
     * One mapping that includes the container's root, as the CRI asks: kubelet sends one range, and an unmapped
     * root would own nothing in its own root filesystem.
     */
    private static void checkMappings(String field, List<IDMapping> mappings) {
        if (mappings.isEmpty()) {
            throw BerthException.invalid(field, "must hold a mapping");
        }
        if (mappings.size() > 1) {
            throw BerthException.invalid(field, "holds " + mappings.size() + " mappings; one is supported");
        }
        IDMapping m = mappings.getFirst();
        if (m.getLength() == 0) {
            throw BerthException.invalid(field + "[0].length", "must not be 0");
        }
        if (m.getContainerId() != 0) {
            throw BerthException.invalid(field + "[0].container_id", "is " + Integer.toUnsignedString(
                    m.getContainerId()) + ", which leaves the container's root (ID 0) unmapped");
        }
        if (Integer.toUnsignedLong(m.getHostId()) + Integer.toUnsignedLong(m.getLength()) > ID_LIMIT) {
            throw BerthException.invalid(field + "[0].length", "reaches past the last ID, 4294967295");
        }
    }

    /** The OCI form of CRI mappings: {@code [{"containerID":0,"hostID":N,"size":N}]}. */
    static ArrayNode mappings(List<IDMapping> mappings) {
        ArrayNode out = Json.array();
        for (IDMapping m : mappings) {
            out.addObject()
                    .put("containerID", Integer.toUnsignedLong(m.getContainerId()))
                    .put("hostID", Integer.toUnsignedLong(m.getHostId()))
                    .put("size", Integer.toUnsignedLong(m.getLength()));
        }
        return out;
    }
}

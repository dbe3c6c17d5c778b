package dev.berth.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.PodSandboxConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything {@link OciSpecs#container} needs to build a container's {@code config.json}.
 *
 * <p>Immutable as far as its components are (the protobuf messages are). All components are non-null
 * except {@code sandboxFiles}, which may be null for "no sandbox files", and {@code cgroupsPath}, which may be
 * null or {@code ""} to leave the choice to the OCI runtime.
 *
 * @param containerId  the container's id
 * @param container    the CRI container config
 * @param sandbox      the CRI config of the pod the container belongs to
 * @param image        the image's config
 * @param user         the resolved identity of the process
 * @param rootfs       the container's root filesystem on the host (absolute)
 * @param namespaces   the namespaces to join or create
 * @param cgroupsPath  the OCI {@code linux.cgroupsPath}
 * @param sandboxFiles files to bind into the container
 * @param host         facts about the host
 * @param localhostSeccomp the parsed file of a Localhost seccomp profile, or null when none applies
 * @param devices      the host nodes of the CRI devices by host path ({@link HostDevice#of})
 */
public record SpecInput(String containerId, ContainerConfig container, PodSandboxConfig sandbox, ImageSpec image,
                        UserSpec user, Path rootfs, NamespacePaths namespaces, String cgroupsPath,
                        SandboxFiles sandboxFiles, HostFacts host, JsonNode localhostSeccomp,
                        Map<String, HostDevice> devices) {

    public SpecInput {
        devices = Map.copyOf(devices);
    }

    /** An input for a container without a Localhost seccomp profile or devices. */
    public SpecInput(String containerId, ContainerConfig container, PodSandboxConfig sandbox, ImageSpec image,
                     UserSpec user, Path rootfs, NamespacePaths namespaces, String cgroupsPath,
                     SandboxFiles sandboxFiles, HostFacts host) {
        this(containerId, container, sandbox, image, user, rootfs, namespaces, cgroupsPath, sandboxFiles, host,
                null, Map.of());
    }
}

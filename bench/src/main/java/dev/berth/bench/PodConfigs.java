package dev.berth.bench;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod and container configs as kubelet sends them: every pod with a fresh name and uid, a log directory under
 * {@code logRoot}, the run's label and, when given, a cgroup parent. Thread-safe.
 */
final class PodConfigs {

    private final Path logRoot;
    private final String cgroupParent;
    private final String image;
    private final AtomicInteger sequence = new AtomicInteger();

    PodConfigs(Path logRoot, String cgroupParent, String image) {
        this.logRoot = logRoot;
        this.cgroupParent = cgroupParent;
        this.image = image;
    }

    /**
     * A pod of {@code target}'s run. kubelet's default gives each container its own PID namespace and shares
     * network and IPC; {@code sharedPid} is {@code shareProcessNamespace: true} (one PID namespace per pod).
     */
    PodSandboxConfig pod(Target target, boolean sharedPid) {
        String uid = UUID.randomUUID().toString();
        String name = "bench-" + target.runId.substring(0, 8) + "-" + sequence.incrementAndGet();
        LinuxPodSandboxConfig.Builder linux = LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.POD)
                                .setIpc(NamespaceMode.POD)
                                .setPid(sharedPid ? NamespaceMode.POD : NamespaceMode.CONTAINER)));
        if (!cgroupParent.isEmpty()) {
            linux.setCgroupParent(cgroupParent);
        }
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("berth-bench").setUid(uid))
                .setHostname(name)
                .setLogDirectory(logRoot.resolve(target.name).resolve(uid).toString())
                .putLabels(Target.RUN_LABEL, target.runId)
                .putLabels("io.kubernetes.pod.name", name)
                .putLabels("io.kubernetes.pod.namespace", "berth-bench")
                .putLabels("io.kubernetes.pod.uid", uid)
                .setLinux(linux)
                .build();
    }

    /** A container named {@code name} running {@code sleep 3600} in the benchmark's image. */
    ContainerConfig sleeper(String name) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addCommand("sleep").addArgs("3600")
                .setLogPath(name + ".log")
                .build();
    }

    String image() {
        return image;
    }
}

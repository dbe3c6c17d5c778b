package dev.berth.oci;

import com.google.protobuf.ByteString;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.KeyValue;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Builders of the inputs the spec tests share. */
final class Fixtures {
    /** A bounding set like this project's hosts: everything but CAP_SYS_RESOURCE. */
    static final Set<String> BOUNDING;

    static {
        Set<String> all = new TreeSet<>(Capabilities.fromMask(-1L));
        all.remove("CAP_SYS_RESOURCE");
        BOUNDING = Set.copyOf(all);
    }

    static final HostFacts HOST_V1 = new HostFacts(BOUNDING, 0, CgroupSupport.fullV1(), "amd64");
    static final NamespacePaths POD_NS = new NamespacePaths(
            "/run/berth/ns/net/sb1", "/run/berth/ns/ipc/sb1", "/run/berth/ns/uts/sb1", "");
    static final ImageSpec IMAGE = new ImageSpec(List.of("/entry"), List.of("cmd1", "cmd2"),
            List.of("PATH=/image/bin", "IMG=1"), "/image-wd", "", "SIGTERM");

    private Fixtures() {
    }

    static ContainerConfig.Builder container() {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(0));
    }

    static PodSandboxConfig.Builder sandbox() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web").setNamespace("default").setUid("uid-1"))
                .setHostname("web-host");
    }

    static KeyValue env(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8(value)).build();
    }

    static SpecInput input(ContainerConfig c) {
        return input(c, sandbox().build(), POD_NS, HOST_V1);
    }

    static SpecInput input(ContainerConfig c, PodSandboxConfig sandbox, NamespacePaths ns, HostFacts host) {
        return new SpecInput("c1", c, sandbox, IMAGE, new UserSpec(1000, 1000, List.of(1000L, 10L), "/home/u"),
                Path.of("/var/lib/berth/containers/c1/rootfs"), ns, "/berth/pod-uid-1/c1",
                new SandboxFiles(Path.of("/run/berth/sb1/hostname"), Path.of("/run/berth/sb1/resolv.conf"),
                        Path.of("/run/berth/sb1/hosts"), Path.of("/run/berth/sb1/shm")),
                host);
    }
}

package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.Mount;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMutatorTest {

    private static final CreateContainerRequest BASE = CreateContainerRequest.newBuilder()
            .setPodSandboxId("ab".repeat(32))
            .setConfig(ContainerConfig.newBuilder()
                    .setMetadata(ContainerMetadata.newBuilder().setName("app"))
                    .setImage(ImageSpec.newBuilder().setImage("busybox"))
                    .addCommand("sleep").addArgs("600")
                    .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath("/srv"))
                    .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                            .setCpuShares(512))))
            .build();

    @Test
    void mutate_sameSeed_sameMutations() {
        RequestMutator first = new RequestMutator(42, List.of());
        RequestMutator second = new RequestMutator(42, List.of());

        for (int i = 0; i < 200; i++) {
            assertThat(second.mutate(BASE)).isEqualTo(first.mutate(BASE));
        }
    }

    @Test
    void mutate_manyRequests_changeEachAndSurviveTheWire() throws InvalidProtocolBufferException {
        RequestMutator mutator = new RequestMutator(7, List.of("/extra"));

        for (int i = 0; i < 500; i++) {
            RequestMutator.Mutated<CreateContainerRequest> mutated = mutator.mutate(BASE);

            assertThat(mutated.changes()).hasSizeBetween(1, 3);
            // an unknown enum number or field must reach the daemon as sent
            assertThat(CreateContainerRequest.parseFrom(mutated.request().toByteArray()))
                    .isEqualTo(mutated.request());
        }
    }

    @Test
    void namesField_pathOfTheRequest_true() {
        var request = CreateContainerRequest.getDescriptor();

        assertThat(RequestMutator.namesField(request, "config.mounts[0].host_path must be absolute")).isTrue();
        assertThat(RequestMutator.namesField(request, "config.linux.resources.cpu_shares must be 2..262144")).isTrue();
        assertThat(RequestMutator.namesField(request, "config.labels[a b.c] is bad")).isTrue();
        assertThat(RequestMutator.namesField(request, "pod_sandbox_id: is required")).isTrue();
    }

    @Test
    void namesField_notAPathOfTheRequest_false() {
        var request = CreateContainerRequest.getDescriptor();

        assertThat(RequestMutator.namesField(request, "mounts[0].host_path must be absolute")).isFalse();
        assertThat(RequestMutator.namesField(request, "config.linux.sysctls[x] is not allowed")).isFalse();
        assertThat(RequestMutator.namesField(request, "invalid image reference")).isFalse();
        assertThat(RequestMutator.namesField(request, "config.mounts.host_path.x is bad")).isFalse();
        assertThat(RequestMutator.namesField(request, "")).isFalse();
        assertThat(RequestMutator.namesField(request, null)).isFalse();
    }
}

package dev.berth.server.sandbox;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static dev.berth.server.fakes.StatusAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.PodIP;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxState;
import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.PodSandboxStatusResponse;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeSandboxRuntime;
import dev.berth.server.fakes.Fakes;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodSandboxStatusTest {

    private static final String POD = "a1".repeat(32);

    private final Fakes fakes = Fakes.create();
    private final PodSandboxStatus handler = new PodSandboxStatus(fakes.services());

    private static PodSandboxStatusRequest request(String id) {
        return PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build();
    }

    private SandboxInfo addPod(PodSandboxConfig config, SandboxState state, String ip, List<String> additional) {
        SandboxInfo seeded = fakes.runtime().addSandbox(POD, config);
        SandboxInfo pod = new SandboxInfo(POD, config, "runc", seeded.createdAtNanos(), state, seeded.netnsPath(),
                ip, additional, seeded.cgroupParent());
        fakes.runtime().put(pod);
        return pod;
    }

    @Test
    void handle_readyPod_reportsIdStateTimesIpsAndConfig() {
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder()
                .putLabels("app", "web").putAnnotations("note", "x").build();
        SandboxInfo pod = addPod(config, SandboxState.READY, "10.88.0.2", List.of("fd00::2"));

        dev.berth.cri.v1.PodSandboxStatus status = handler.handle(request(POD)).getStatus();

        assertThat(status.getId()).isEqualTo(POD);
        assertThat(status.getMetadata()).isEqualTo(config.getMetadata());
        assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(status.getCreatedAt()).isEqualTo(pod.createdAtNanos()).isPositive();
        assertThat(status.getNetwork().getIp()).isEqualTo("10.88.0.2");
        assertThat(status.getNetwork().getAdditionalIpsList()).extracting(PodIP::getIp).containsExactly("fd00::2");
        assertThat(status.getLabelsMap()).containsExactlyEntriesOf(config.getLabelsMap());
        assertThat(status.getAnnotationsMap()).containsExactlyEntriesOf(config.getAnnotationsMap());
        assertThat(status.getRuntimeHandler()).isEqualTo("runc");
    }

    @Test
    void handle_stoppedPod_notReady() {
        addPod(CriConfigs.pod("web"), SandboxState.NOTREADY, "10.88.0.2", List.of());

        assertThat(handler.handle(request(POD)).getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
    }

    @Test
    void handle_hostNetwork_noIpAndNodeNetworkMode() {
        addPod(CriConfigs.hostNetworkPod("node-agent"), SandboxState.READY, "", List.of());

        dev.berth.cri.v1.PodSandboxStatus status = handler.handle(request(POD)).getStatus();

        assertThat(status.getNetwork().getIp()).isEmpty();
        assertThat(status.getLinux().getNamespaces().getOptions().getNetwork()).isEqualTo(NamespaceMode.NODE);
    }

    @Test
    void handle_unknownId_notFound() {
        Status status = assertStatus(() -> handler.handle(request("ff".repeat(32))), Status.Code.NOT_FOUND);

        assertThat(status.getDescription()).contains("ff".repeat(32));
    }

    @Test
    void handle_idPrefix_reportsTheMatchingPod() {
        addPod(CriConfigs.pod("web"), SandboxState.READY, "10.88.0.2", List.of());

        assertThat(handler.handle(request("a1a1a1")).getStatus().getId()).isEqualTo(POD);
    }

    @Test
    void handle_ambiguousPrefix_invalidNamingPodSandboxId() {
        fakes.runtime().addSandbox("ab".repeat(32), CriConfigs.pod("web"));
        fakes.runtime().addSandbox("ac".repeat(32), CriConfigs.pod("db"));

        assertInvalid(() -> handler.handle(request("a")), "pod_sandbox_id");
    }

    @Test
    void handle_verbose_infoNamesNetnsAndCgroupParent() {
        addPod(CriConfigs.pod("web"), SandboxState.READY, "10.88.0.2", List.of());

        PodSandboxStatusResponse response = handler.handle(request(POD).toBuilder().setVerbose(true).build());

        assertThat(response.getInfoMap().get("info"))
                .contains("\"netnsPath\":\"" + FakeSandboxRuntime.netnsPath(POD) + "\"")
                .contains("\"cgroupParent\":\"" + FakeSandboxRuntime.cgroupParent(POD) + "\"");
    }

    @Test
    void handle_notVerbose_noInfo() {
        addPod(CriConfigs.pod("web"), SandboxState.READY, "10.88.0.2", List.of());

        assertThat(handler.handle(request(POD)).getInfoMap()).isEmpty();
    }

    @Test
    void handle_emptyId_invalid() {
        assertInvalid(() -> handler.handle(PodSandboxStatusRequest.getDefaultInstance()), "pod_sandbox_id");
    }
}

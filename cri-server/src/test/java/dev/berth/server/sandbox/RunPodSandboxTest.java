package dev.berth.server.sandbox;

import static dev.berth.server.fakes.StatusAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PortMapping;
import dev.berth.cri.v1.Protocol;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.host.BerthException;
import dev.berth.network.PodNetworkRequest;
import dev.berth.sandbox.SandboxInfo;
import dev.berth.sandbox.SandboxState;
import dev.berth.server.fakes.CriConfigs;
import dev.berth.server.fakes.FakeSandboxRuntime;
import dev.berth.server.fakes.Fakes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPodSandboxTest {

    private final Fakes fakes = Fakes.create();
    private final RunPodSandbox handler = new RunPodSandbox(fakes.services());

    private static RunPodSandboxRequest request(PodSandboxConfig config) {
        return RunPodSandboxRequest.newBuilder().setConfig(config).build();
    }

    @Test
    void handle_podNetwork_createsThenAttachesThenRecordsIp() {
        String id = handler.handle(request(CriConfigs.pod("web"))).getPodSandboxId();

        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(fakes.log().mutations()).containsExactly(
                "runtime.createSandbox(" + id + ", )",
                "network.attach(" + id + ")",
                "runtime.setSandboxNetwork(" + id + ", 10.88.0.2, [])");
        SandboxInfo sandbox = fakes.runtime().sandbox(id).orElseThrow();
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        assertThat(sandbox.ip()).isEqualTo("10.88.0.2");
    }

    @Test
    void handle_podNetwork_attachRequestCarriesNetnsAndPodIdentity() {
        String id = handler.handle(request(CriConfigs.pod("web"))).getPodSandboxId();

        PodNetworkRequest attach = fakes.network().attachRequests().get(0);
        assertThat(attach.sandboxId()).isEqualTo(id);
        assertThat(attach.netnsPath()).isEqualTo(FakeSandboxRuntime.netnsPath(id));
        assertThat(attach.podName()).isEqualTo("web");
        assertThat(attach.podNamespace()).isEqualTo("default");
        assertThat(attach.podUid()).isEqualTo("uid-web");
    }

    @Test
    void handle_dualStack_firstIpPrimaryOthersAdditional() {
        fakes.network().assignIps("10.88.0.7", "fd00::7");

        String id = handler.handle(request(CriConfigs.pod("web"))).getPodSandboxId();

        SandboxInfo sandbox = fakes.runtime().sandbox(id).orElseThrow();
        assertThat(sandbox.ip()).isEqualTo("10.88.0.7");
        assertThat(sandbox.additionalIps()).containsExactly("fd00::7");
    }

    @Test
    void handle_networkAssignsNoIp_recordsEmptyIp() {
        fakes.network().assignIps();

        String id = handler.handle(request(CriConfigs.pod("web"))).getPodSandboxId();

        assertThat(fakes.log().mutations()).contains("runtime.setSandboxNetwork(" + id + ", , [])");
    }

    @Test
    void handle_hostNetwork_skipsCniAndFinishesWithoutAddresses() {
        String id = handler.handle(request(CriConfigs.hostNetworkPod("node-agent"))).getPodSandboxId();

        assertThat(fakes.log().mutations()).containsExactly("runtime.createSandbox(" + id + ", )",
                "runtime.setSandboxNetwork(" + id + ", , [])");
        assertThat(fakes.runtime().sandbox(id)).isPresent();
    }

    @Test
    void handle_runtimeHandler_passedToRuntime() {
        String id = handler.handle(request(CriConfigs.pod("web")).toBuilder().setRuntimeHandler("runc").build())
                .getPodSandboxId();

        assertThat(fakes.log().mutations()).first().isEqualTo("runtime.createSandbox(" + id + ", runc)");
        assertThat(fakes.runtime().sandbox(id).orElseThrow().runtimeHandler()).isEqualTo("runc");
    }

    @Test
    void handle_portMappings_passesOnlyPublishedPortsWithLowerCaseProtocol() {
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder()
                .addPortMappings(PortMapping.newBuilder().setContainerPort(53).setHostPort(5353)
                        .setProtocol(Protocol.UDP).setHostIp("127.0.0.1"))
                .addPortMappings(PortMapping.newBuilder().setContainerPort(8080))
                .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(8081))
                .build();

        handler.handle(request(config));

        assertThat(fakes.network().attachRequests().get(0).portMappings()).containsExactly(
                new dev.berth.network.PortMapping("udp", 53, 5353, "127.0.0.1"),
                new dev.berth.network.PortMapping("tcp", 80, 8081, ""));
    }

    @Test
    void handle_attachFails_stopsReleasesAndRemovesSandboxAndRethrows() {
        RuntimeException failure = new IllegalStateException("bridge plugin failed");
        fakes.network().failOn("attach", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(CriConfigs.pod("web"))));

        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).isEmpty();
        assertThat(fakes.log().mutatingMethods()).containsExactly(
                "runtime.createSandbox", "network.attach",
                "runtime.stopSandbox", "network.detach", "runtime.releaseNamespaces", "runtime.removeSandbox");
        String id = fakes.network().attachRequests().get(0).sandboxId();
        assertThat(fakes.log().mutations()).endsWith("runtime.removeSandbox(" + id + ")");
        assertThat(fakes.runtime().sandboxes()).isEmpty();
    }

    @Test
    void handle_setNetworkFails_detachesAndRemovesSandbox() {
        RuntimeException failure = BerthException.failed("disk full");
        fakes.runtime().failOn("setSandboxNetwork", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(CriConfigs.pod("web"))));

        assertThat(thrown).isSameAs(failure);
        assertThat(fakes.log().mutatingMethods()).containsSubsequence(
                "network.attach", "runtime.setSandboxNetwork", "runtime.stopSandbox", "network.detach",
                "runtime.releaseNamespaces", "runtime.removeSandbox");
        assertThat(fakes.network().cachedSandboxIds()).isEmpty();
        assertThat(fakes.runtime().sandboxes()).isEmpty();
    }

    @Test
    void handle_attachAndCleanupFail_originalErrorCarriesCleanupFailure() {
        RuntimeException failure = new IllegalStateException("bridge plugin failed");
        RuntimeException cleanup = BerthException.failed("cannot remove");
        fakes.network().failOn("attach", failure);
        fakes.runtime().failOn("removeSandbox", cleanup);

        Throwable thrown = catchThrowable(() -> handler.handle(request(CriConfigs.pod("web"))));

        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).containsExactly(cleanup);
    }

    @Test
    void handle_createSandboxFails_touchesNoNetwork() {
        RuntimeException failure = BerthException.alreadyExists("name reserved");
        fakes.runtime().failOn("createSandbox", failure);

        Throwable thrown = catchThrowable(() -> handler.handle(request(CriConfigs.pod("web"))));

        assertThat(thrown).isSameAs(failure);
        assertThat(fakes.log().mutatingMethods()).containsExactly("runtime.createSandbox");
    }

    @Test
    void handle_missingNamespace_invalidAndCreatesNothing() {
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder()
                .setMetadata(CriConfigs.pod("web").getMetadata().toBuilder().clearNamespace()).build();

        assertInvalid(() -> handler.handle(request(config)), "config.metadata.namespace");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_unconfiguredRuntimeHandler_invalidAndCreatesNothing() {
        assertInvalid(() -> handler.handle(request(CriConfigs.pod("web")).toBuilder().setRuntimeHandler("kata")
                .build()), "runtime_handler");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_hostPortOutOfRange_invalidAndCreatesNothing() {
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder()
                .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(70000)).build();

        assertInvalid(() -> handler.handle(request(config)), "config.port_mappings[0].host_port");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_hostnameHostnameToolCannotSet_invalidAndCreatesNothing() {
        for (String bad : new String[] {"a=b", "-F", "--file=/etc/shadow", "under_score", "trailing.", "a..b",
                "ünï"}) {
            assertInvalid(() -> handler.handle(request(CriConfigs.pod("web").toBuilder().setHostname(bad).build())),
                    "config.hostname");
        }
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_hostnamesKubeletSends_accepted() {
        for (String good : new String[] {"web-0", "web-0.nginx.default", "A1", ""}) {
            String name = "web" + good.hashCode();
            handler.handle(request(CriConfigs.pod(name).toBuilder().setHostname(good).build()));
        }
        assertThat(fakes.runtime().sandboxes()).hasSize(4);
    }

    @Test
    void handle_cgroupParentLeavingItsHierarchy_invalidAndCreatesNothing() {
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .setCgroupParent("/kubepods/../../etc")).build();

        assertInvalid(() -> handler.handle(request(config)), "config.linux.cgroup_parent");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_runtimeRefusesAField_invalidNamingItInTheRequest() {
        fakes.runtime().failOn("createSandbox", BerthException.invalid("linux.sysctls[net.ipv4.ip_forward]",
                "is not allowed with host network"));

        assertInvalid(() -> handler.handle(request(CriConfigs.pod("web"))),
                "config.linux.sysctls[net.ipv4.ip_forward]");
    }

    @Test
    void handle_namesCniArgsCannotCarry_invalidAndCreatesNothing() {
        PodSandboxConfig web = CriConfigs.pod("web");
        assertInvalid(() -> handler.handle(request(web.toBuilder().setMetadata(web.getMetadata().toBuilder()
                .setNamespace("a=b")).build())), "config.metadata.namespace");
        assertInvalid(() -> handler.handle(request(web.toBuilder().setMetadata(web.getMetadata().toBuilder()
                .setName("a;b")).build())), "config.metadata.name");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_hostIpNotAnAddress_invalidAndCreatesNothing() {
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder().addPortMappings(PortMapping.newBuilder()
                .setContainerPort(80).setHostPort(8080).setHostIp("example.com")).build();

        assertInvalid(() -> handler.handle(request(config)), "config.port_mappings[0].host_ip");
        assertThat(fakes.log().all()).isEmpty();
    }

    @Test
    void handle_logDirectoryBelowAFile_invalidAndCreatesNothing(@TempDir Path tmp) throws java.io.IOException {
        Path file = Files.createFile(tmp.resolve("file"));
        PodSandboxConfig config = CriConfigs.pod("web").toBuilder().setLogDirectory(file + "/logs").build();

        assertInvalid(() -> handler.handle(request(config)), "config.log_directory");
        assertThat(fakes.log().all()).isEmpty();
    }
}

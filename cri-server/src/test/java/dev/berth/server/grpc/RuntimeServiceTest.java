package dev.berth.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.CgroupDriver;
import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.CheckpointContainerRequest;
import dev.berth.cri.v1.ImageServiceGrpc;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.PortMapping;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.RuntimeConfigRequest;
import dev.berth.cri.v1.RuntimeServiceGrpc;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.network.CniManager;
import dev.berth.network.CniSettings;
import dev.berth.server.Services;
import dev.berth.server.config.BerthConfig;
import dev.berth.server.config.ConfigLoader;
import dev.berth.server.fakes.CallLog;
import dev.berth.server.fakes.FakeSandboxRuntime;
import dev.berth.server.metrics.Metrics;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC layer in process: delegation, the interceptor's error mapping and readiness gate, and request
 * validation that must fail before any subsystem is touched (the image store is absent here, and the runtime is a
 * fake that only Status may ask about its features).
 */
class RuntimeServiceTest {

    @TempDir
    Path dir;

    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final Metrics metrics = new Metrics();
    private Server server;
    private ManagedChannel channel;
    private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private ImageServiceGrpc.ImageServiceBlockingStub images;
    private CallLog runtimeCalls;

    @BeforeEach
    void start() throws IOException {
        BerthConfig config = ConfigLoader.load(dir.resolve("none.toml"), false, Map.of());
        CniManager network = new CniManager(new CniSettings(dir.resolve("net.d"), List.of(dir.resolve("bin")),
                dir.resolve("cache")));
        runtimeCalls = new CallLog();
        Services services = new Services(config, new FakeSandboxRuntime(runtimeCalls), network, null);
        CallInterceptor interceptor = new CallInterceptor(metrics, ready::get);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(new RuntimeServiceImpl(services), interceptor))
                .addService(ServerInterceptors.intercept(new ImageServiceImpl(services), interceptor))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        images = ImageServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        assertThat(runtimeCalls.mutations()).as("nothing was asked of the runtime").isEmpty();
    }

    @Test
    void version_namesBerthAndV1() {
        var version = runtime.version(VersionRequest.getDefaultInstance());

        assertThat(version.getRuntimeName()).isEqualTo("berth");
        assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");
        assertThat(version.getVersion()).isEqualTo("0.1.0");
    }

    @Test
    void runtimeConfig_setsCgroupfsExplicitly() {
        var response = runtime.runtimeConfig(RuntimeConfigRequest.getDefaultInstance());

        assertThat(response.hasLinux()).isTrue();
        assertThat(response.getLinux().getCgroupDriver()).isEqualTo(CgroupDriver.CGROUPFS);
    }

    @Test
    void status_noCniConfig_networkNotReadyWithReason() {
        var conditions = runtime.status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList();

        assertThat(conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("RuntimeReady");
            assertThat(c.getStatus()).isTrue();
        });
        assertThat(conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("NetworkReady");
            assertThat(c.getStatus()).isFalse();
            assertThat(c.getReason()).isNotEmpty();
            assertThat(c.getMessage()).contains(dir.resolve("net.d").toString());
        });
    }

    @Test
    void notImplementedRpc_answersUnimplemented() {
        assertCode(() -> runtime.checkpointContainer(CheckpointContainerRequest.newBuilder().setContainerId("x")
                .build()), Status.Code.UNIMPLEMENTED);
    }

    @Test
    void anyCall_beforeRecovery_answersUnavailable() {
        ready.set(false);

        assertCode(() -> runtime.version(VersionRequest.getDefaultInstance()), Status.Code.UNAVAILABLE);
    }

    @Test
    void runPodSandbox_withoutConfig_isInvalidNamingConfig() {
        assertInvalid(() -> runtime.runPodSandbox(RunPodSandboxRequest.getDefaultInstance()), "config");
    }

    @Test
    void runPodSandbox_withoutUid_isInvalidNamingTheField() {
        assertInvalid(() -> runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(
                PodSandboxConfig.newBuilder().setMetadata(
                        PodSandboxMetadata.newBuilder().setName("p").setNamespace("n"))).build()),
                "config.metadata.uid");
    }

    @Test
    void runPodSandbox_unknownHandler_isInvalidNamingRuntimeHandler() {
        assertInvalid(() -> runtime.runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(validPod())
                .setRuntimeHandler("kata").build()), "runtime_handler");
    }

    @Test
    void runPodSandbox_badContainerPort_isInvalidNamingTheMapping() {
        assertInvalid(() -> runtime.runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(validPod().toBuilder().addPortMappings(PortMapping.newBuilder().setContainerPort(70000)))
                .build()), "config.port_mappings[0].container_port");
    }

    @Test
    void runPodSandbox_hostnameOver64Bytes_isInvalidNamingHostname() {
        assertInvalid(() -> runtime.runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(validPod().toBuilder().setHostname("h".repeat(65))).build()), "config.hostname");
    }

    @Test
    void createContainer_withoutSandboxId_isInvalid() {
        assertInvalid(() -> runtime.createContainer(CreateContainerRequest.getDefaultInstance()), "pod_sandbox_id");
    }

    @Test
    void stopContainer_negativeTimeout_isInvalid() {
        assertInvalid(() -> runtime.stopContainer(StopContainerRequest.newBuilder()
                .setContainerId("abc").setTimeout(-1).build()), "timeout");
    }

    @Test
    void containerStatus_withoutId_isInvalid() {
        assertInvalid(() -> runtime.containerStatus(ContainerStatusRequest.getDefaultInstance()), "container_id");
    }

    @Test
    void pullImage_withoutImage_isInvalid() {
        assertInvalid(() -> images.pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.getDefaultInstance()).build()), "image.image");
    }

    @Test
    void calls_areCountedInMetrics_byOperationAndCode() throws IOException {
        runtime.version(VersionRequest.getDefaultInstance());
        assertCode(() -> runtime.runPodSandbox(RunPodSandboxRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT);

        var out = new java.io.ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(text).contains("berth_operations_total{operation=\"Version\"} 1")
                .contains("berth_operation_errors_total{code=\"INVALID_ARGUMENT\",operation=\"RunPodSandbox\"} 1")
                .contains("berth_operation_duration_seconds_count{operation=\"Version\"} 1");
    }

    private static PodSandboxConfig validPod() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("n").setUid("u"))
                .build();
    }

    private static void assertInvalid(ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith(field + " ");
        });
    }

    private static void assertCode(ThrowingCallable call, Status.Code code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }
}

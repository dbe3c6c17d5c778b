package dev.berth.server.grpc;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.AttachResponse;
import dev.berth.cri.v1.ContainerStatsRequest;
import dev.berth.cri.v1.ContainerStatsResponse;
import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.ContainerStatusResponse;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.CreateContainerResponse;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ExecResponse;
import dev.berth.cri.v1.ExecSyncRequest;
import dev.berth.cri.v1.ExecSyncResponse;
import dev.berth.cri.v1.ListContainerStatsRequest;
import dev.berth.cri.v1.ListContainerStatsResponse;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.cri.v1.ListContainersResponse;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.ListPodSandboxResponse;
import dev.berth.cri.v1.ListPodSandboxStatsRequest;
import dev.berth.cri.v1.ListPodSandboxStatsResponse;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.cri.v1.PortForwardResponse;
import dev.berth.cri.v1.PodSandboxStatsRequest;
import dev.berth.cri.v1.PodSandboxStatsResponse;
import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.PodSandboxStatusResponse;
import dev.berth.cri.v1.RemoveContainerRequest;
import dev.berth.cri.v1.RemoveContainerResponse;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.RemovePodSandboxResponse;
import dev.berth.cri.v1.ReopenContainerLogRequest;
import dev.berth.cri.v1.ReopenContainerLogResponse;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxResponse;
import dev.berth.cri.v1.RuntimeConfigRequest;
import dev.berth.cri.v1.RuntimeConfigResponse;
import dev.berth.cri.v1.RuntimeServiceGrpc;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StartContainerResponse;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StatusResponse;
import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.StopContainerResponse;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.StopPodSandboxResponse;
import dev.berth.cri.v1.UpdateContainerResourcesRequest;
import dev.berth.cri.v1.UpdateContainerResourcesResponse;
import dev.berth.cri.v1.UpdateRuntimeConfigRequest;
import dev.berth.cri.v1.UpdateRuntimeConfigResponse;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.cri.v1.VersionResponse;
import dev.berth.server.Services;
import dev.berth.server.container.Attach;
import dev.berth.server.container.ContainerStats;
import dev.berth.server.container.ContainerStatus;
import dev.berth.server.container.CreateContainer;
import dev.berth.server.container.Exec;
import dev.berth.server.container.ExecSync;
import dev.berth.server.container.UpdateContainerResources;
import dev.berth.server.container.ReopenContainerLog;
import dev.berth.server.container.ListContainerStats;
import dev.berth.server.container.ListContainers;
import dev.berth.server.container.RemoveContainer;
import dev.berth.server.container.StartContainer;
import dev.berth.server.container.StopContainer;
import dev.berth.server.runtime.RuntimeConfig;
import dev.berth.server.runtime.Status;
import dev.berth.server.runtime.UpdateRuntimeConfig;
import dev.berth.server.runtime.Version;
import dev.berth.server.sandbox.ListPodSandbox;
import dev.berth.server.sandbox.ListPodSandboxStats;
import dev.berth.server.sandbox.PodSandboxStats;
import dev.berth.server.sandbox.PortForward;
import dev.berth.server.sandbox.PodSandboxStatus;
import dev.berth.server.sandbox.RemovePodSandbox;
import dev.berth.server.sandbox.RunPodSandbox;
import dev.berth.server.sandbox.StopPodSandbox;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The CRI RuntimeService: each RPC delegates to its handler. RPCs not overridden here answer UNIMPLEMENTED
 * (the generated base class does that). Errors are mapped by {@link CallInterceptor}.
 */
final class RuntimeServiceImpl extends RuntimeServiceGrpc.RuntimeServiceImplBase {

    private final Version version = new Version();
    private final Status status;
    private final RuntimeConfig runtimeConfig;
    private final UpdateRuntimeConfig updateRuntimeConfig = new UpdateRuntimeConfig();
    private final RunPodSandbox runPodSandbox;
    private final StopPodSandbox stopPodSandbox;
    private final RemovePodSandbox removePodSandbox;
    private final PodSandboxStatus podSandboxStatus;
    private final ListPodSandbox listPodSandbox;
    private final CreateContainer createContainer;
    private final StartContainer startContainer;
    private final StopContainer stopContainer;
    private final RemoveContainer removeContainer;
    private final ContainerStatus containerStatus;
    private final ListContainers listContainers;
    private final ExecSync execSync;
    private final UpdateContainerResources updateContainerResources;
    private final Exec exec;
    private final PortForward portForward;
    private final Attach attach;
    private final ReopenContainerLog reopenContainerLog;
    private final ContainerStats containerStats;
    private final ListContainerStats listContainerStats;
    private final PodSandboxStats podSandboxStats;
    private final ListPodSandboxStats listPodSandboxStats;

    RuntimeServiceImpl(Services services) {
        status = new Status(services);
        runtimeConfig = new RuntimeConfig(services);
        runPodSandbox = new RunPodSandbox(services);
        stopPodSandbox = new StopPodSandbox(services);
        removePodSandbox = new RemovePodSandbox(services);
        podSandboxStatus = new PodSandboxStatus(services);
        listPodSandbox = new ListPodSandbox(services);
        createContainer = new CreateContainer(services);
        startContainer = new StartContainer(services);
        stopContainer = new StopContainer(services);
        removeContainer = new RemoveContainer(services);
        containerStatus = new ContainerStatus(services);
        listContainers = new ListContainers(services);
        execSync = new ExecSync(services);
        updateContainerResources = new UpdateContainerResources(services);
        exec = new Exec(services);
        portForward = new PortForward(services);
        attach = new Attach(services);
        reopenContainerLog = new ReopenContainerLog(services);
        containerStats = new ContainerStats(services);
        listContainerStats = new ListContainerStats(services);
        podSandboxStats = new PodSandboxStats(services);
        listPodSandboxStats = new ListPodSandboxStats(services);
    }

    static <R> void reply(StreamObserver<R> observer, Supplier<R> handler) {
        observer.onNext(handler.get());
        observer.onCompleted();
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
        reply(observer, () -> version.handle(request));
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        reply(observer, () -> status.handle(request));
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> observer) {
        reply(observer, () -> runtimeConfig.handle(request));
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
                                    StreamObserver<UpdateRuntimeConfigResponse> observer) {
        reply(observer, () -> updateRuntimeConfig.handle(request));
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> observer) {
        reply(observer, () -> runPodSandbox.handle(request));
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> observer) {
        reply(observer, () -> stopPodSandbox.handle(request));
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request,
                                 StreamObserver<RemovePodSandboxResponse> observer) {
        reply(observer, () -> removePodSandbox.handle(request));
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request,
                                 StreamObserver<PodSandboxStatusResponse> observer) {
        reply(observer, () -> podSandboxStatus.handle(request));
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> observer) {
        reply(observer, () -> listPodSandbox.handle(request));
    }

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> observer) {
        reply(observer, () -> createContainer.handle(request));
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> observer) {
        reply(observer, () -> startContainer.handle(request));
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> observer) {
        reply(observer, () -> stopContainer.handle(request));
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> observer) {
        reply(observer, () -> removeContainer.handle(request));
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> observer) {
        reply(observer, () -> containerStatus.handle(request));
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> observer) {
        reply(observer, () -> listContainers.handle(request));
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> observer) {
        reply(observer, () -> execSync.handle(request));
    }

    @Override
    public void exec(ExecRequest request, StreamObserver<ExecResponse> observer) {
        reply(observer, () -> exec.handle(request));
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> observer) {
        reply(observer, () -> attach.handle(request));
    }

    @Override
    public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> observer) {
        reply(observer, () -> portForward.handle(request));
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request,
                                   StreamObserver<ReopenContainerLogResponse> observer) {
        reply(observer, () -> reopenContainerLog.handle(request));
    }

    @Override
    public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> observer) {
        reply(observer, () -> containerStats.handle(request));
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest request,
                                   StreamObserver<ListContainerStatsResponse> observer) {
        reply(observer, () -> listContainerStats.handle(request));
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> observer) {
        reply(observer, () -> podSandboxStats.handle(request));
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest request,
                                    StreamObserver<ListPodSandboxStatsResponse> observer) {
        reply(observer, () -> listPodSandboxStats.handle(request));
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest request,
                                         StreamObserver<UpdateContainerResourcesResponse> observer) {
        reply(observer, () -> updateContainerResources.handle(request));
    }
}

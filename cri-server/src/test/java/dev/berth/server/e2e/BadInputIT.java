package dev.berth.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.Capability;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerFilter;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStateValue;
import dev.berth.cri.v1.ContainerStatsFilter;
import dev.berth.cri.v1.ContainerStatsRequest;
import dev.berth.cri.v1.ContainerStatusRequest;
import dev.berth.cri.v1.CreateContainerRequest;
import dev.berth.cri.v1.CreateContainerResponse;
import dev.berth.cri.v1.DNSConfig;
import dev.berth.cri.v1.Device;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.ExecSyncRequest;
import dev.berth.cri.v1.HugepageLimit;
import dev.berth.cri.v1.ImageFsInfoRequest;
import dev.berth.cri.v1.ImageFilter;
import dev.berth.cri.v1.ImageServiceGrpc;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.ImageStatusRequest;
import dev.berth.cri.v1.Int64Value;
import dev.berth.cri.v1.KeyValue;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.ListContainerStatsRequest;
import dev.berth.cri.v1.ListContainersRequest;
import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.cri.v1.ListPodSandboxRequest;
import dev.berth.cri.v1.ListPodSandboxStatsRequest;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.NamespaceOption;
import dev.berth.cri.v1.NetworkConfig;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxFilter;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.cri.v1.PodSandboxState;
import dev.berth.cri.v1.PodSandboxStateValue;
import dev.berth.cri.v1.PodSandboxStatsFilter;
import dev.berth.cri.v1.PodSandboxStatsRequest;
import dev.berth.cri.v1.PodSandboxStatusRequest;
import dev.berth.cri.v1.PortForwardRequest;
import dev.berth.cri.v1.PortMapping;
import dev.berth.cri.v1.Protocol;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemoveContainerRequest;
import dev.berth.cri.v1.RemoveImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.ReopenContainerLogRequest;
import dev.berth.cri.v1.RunPodSandboxRequest;
import dev.berth.cri.v1.RunPodSandboxResponse;
import dev.berth.cri.v1.RuntimeConfig;
import dev.berth.cri.v1.RuntimeServiceGrpc;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.cri.v1.Signal;
import dev.berth.cri.v1.StartContainerRequest;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StopContainerRequest;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.cri.v1.UpdateContainerResourcesRequest;
import dev.berth.cri.v1.UpdateRuntimeConfigRequest;
import dev.berth.cri.v1.VersionRequest;
import dev.berth.fixtures.Leaks;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to every RPC of a real daemon: thousands of requests mutated from valid ones (see
 * {@link RequestMutator}), many naming a real pod and a real running container. What a mutated request made is
 * used as kubelet would use it (a container is started, a pod gets a container), since a mistake let through
 * must not fail there either. The daemon must stay up, answer a caller's mistake with INVALID_ARGUMENT naming
 * the request field, never with UNKNOWN or INTERNAL, and leave nothing behind once the pods and containers the
 * requests made are removed. The requests are the same every run; {@code -Dberth.fuzz.seed} explores others.
 */
class BadInputIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:fuzz";
    /** The same requests every run; {@code -Dberth.fuzz.seed=<n>} explores others. */
    private static final long SEED = Long.getLong("berth.fuzz.seed", 0x5eedbe47L);
    private static final int ROUNDS = 10;
    private static final int MIN_REQUESTS = 5_000;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
    /** Streaming RPCs Berth may serve one day would stream until cancelled: a short deadline ends them. */
    private static final Duration STREAM_DEADLINE = Duration.ofSeconds(3);
    /** How often each RPC is called per round, relative to the others; the expensive ones less. */
    private static final Map<String, Integer> WEIGHTS = Map.ofEntries(
            Map.entry("RunPodSandbox", 24), Map.entry("CreateContainer", 50), Map.entry("ExecSync", 12),
            Map.entry("PullImage", 6), Map.entry("StartContainer", 20), Map.entry("ReopenContainerLog", 12),
            Map.entry("UpdateContainerResources", 20), Map.entry("StopContainer", 8),
            Map.entry("RemoveContainer", 8), Map.entry("StopPodSandbox", 8), Map.entry("RemovePodSandbox", 8));
    private static final int DEFAULT_WEIGHT = 20;
    private static final int STREAM_WEIGHT = 2;
    /** Called last in each round: they end the round's pod and container. */
    private static final Set<String> DESTRUCTIVE = Set.of(
            "StopContainer", "RemoveContainer", "StopPodSandbox", "RemovePodSandbox");

    @SuppressWarnings("unchecked")
    private static final MethodDescriptor<Message, Message> CREATE_CONTAINER = (MethodDescriptor<Message, Message>)
            (MethodDescriptor<?, ?>) RuntimeServiceGrpc.getCreateContainerMethod();
    @SuppressWarnings("unchecked")
    private static final MethodDescriptor<Message, Message> START_CONTAINER = (MethodDescriptor<Message, Message>)
            (MethodDescriptor<?, ?>) RuntimeServiceGrpc.getStartContainerMethod();

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "fuzz");
        daemon = DaemonProcess.start(dir.resolve("berth"), registry.endpoint());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                try {
                    removeEverything();
                } finally {
                    daemon.close();
                    // every call the daemon answered, for reading a failure after the temporary directory is gone
                    Files.copy(daemon.dir.resolve("berth.log"), Path.of("target", "BadInputIT-berth.log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                assertThat(Leaks.mounts()).as("mounts after the daemon stopped")
                        .noneMatch(m -> m.startsWith(dir.toString()));
            }
        } finally {
            try {
                if (daemon != null) {
                    daemon.removeBridgeAndCgroupParent();
                }
            } finally {
                if (registry != null) {
                    registry.close();
                }
            }
        }
    }

    /** Calls answered, by RPC and code. */
    private final Map<String, Map<Status.Code, Integer>> counts = new TreeMap<>();
    /** Calls answered outside the allowed outcomes, with what was sent. */
    private final List<String> offenders = new ArrayList<>();
    /** RPCs Berth does not serve yet: UNIMPLEMENTED is their allowed answer. */
    private final Set<String> unserved = new java.util.TreeSet<>();
    /** Every call made, the mutated requests and what kubelet would do after those that made something. */
    private int sent;
    private int mutatedSent;

    /** A real pod and a running container in it, which the base requests name. */
    private record Target(PodSandboxConfig pod, String podId, String containerId) {
    }

    /** What one call answered. */
    private record Outcome(Status.Code code, String description, Message response) {
    }

    @Test
    void mutatedRequestsToEveryRpc_answerCallerErrorsNamingTheField_andLeaveNothingBehind() throws Exception {
        long start = System.nanoTime();
        daemon.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .build());
        Files.createDirectories(dir.resolve("mount-source"));
        List<MethodDescriptor<Message, Message>> methods = methods();
        Random order = new Random(SEED);
        int created = 0;

        for (int round = 0; round < ROUNDS; round++) {
            Target target = startTarget(round);
            Map<String, Message> bases = baseRequests(target, round);
            RequestMutator mutator = new RequestMutator(SEED + round, List.of(target.podId(), target.containerId(),
                    dir.resolve("absent/path").toString(), dir.resolve("mount-source").toString()));
            if (round == 0) {
                // an RPC that answers UNIMPLEMENTED to any request is one Berth does not serve yet; an empty
                // request asks that without touching the round's pod and container
                for (MethodDescriptor<Message, Message> method : methods) {
                    if (call(method, base(Map.of(), method)).code() == Status.Code.UNIMPLEMENTED) {
                        unserved.add(method.getBareMethodName());
                    }
                }
            }
            for (MethodDescriptor<Message, Message> method : schedule(methods, unserved, order)) {
                String name = method.getBareMethodName();
                RequestMutator.Mutated<Message> mutated = mutator.mutate(base(bases, method));
                Message request = unique(name, mutated.request(), base(bases, method), sent);
                Outcome outcome = send(method, request, mutated.changes());
                mutatedSent++;
                if (outcome.response() instanceof RunPodSandboxResponse response) {
                    created++;
                    runContainerIn(response.getPodSandboxId(), ((RunPodSandboxRequest) request).getConfig(),
                            mutated.changes());
                }
                if (outcome.response() instanceof CreateContainerResponse response) {
                    // kubelet starts what it created: a mistake CreateContainer let through must not fail there
                    created++;
                    send(START_CONTAINER, StartContainerRequest.newBuilder()
                            .setContainerId(response.getContainerId()).build(),
                            List.of("start of a container of CreateContainer with " + mutated.changes()));
                }
                if (outcome.code() == Status.Code.UNAVAILABLE && !name.equals("PullImage")) {
                    break;
                }
            }
            assertThat(daemonAnswers()).as("the daemon answers Version after round " + round + "; offenders:\n"
                    + report(offenders) + "\nlog:\n" + tail(daemon.log())).isTrue();
            for (String failure : removeEverything()) {
                offenders.add("removing what round " + round + " made: " + failure);
            }
            if (!imagePresent()) {
                offenders.add("the test image " + IMAGE + " was removed in round " + round);
                daemon.images().pullImage(PullImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build());
            }
        }
        daemon.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder()
                .setImage(IMAGE)).build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("BadInputIT: %d mutated requests and %d calls after them (seed %d) in %d s, %d pods and"
                + " containers made; RPCs not served: %s%n", mutatedSent, sent - mutatedSent, SEED, took.toSeconds(),
                created, unserved);
        counts.forEach((name, codes) -> System.out.printf("  %-26s %5d %s%n", name,
                codes.values().stream().mapToInt(Integer::intValue).sum(), codes));
        offenders.forEach(System.out::println);
        assertThat(offenders).as("calls answered outside the allowed outcomes (%d):%n%s", offenders.size(),
                report(offenders)).isEmpty();
        assertThat(mutatedSent).isGreaterThanOrEqualTo(MIN_REQUESTS);
        assertThat(counts.keySet()).as("every RPC was called")
                .containsAll(methods.stream().map(MethodDescriptor::getBareMethodName).toList());
        assertThat(daemon.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .isEmpty();
        assertThat(daemon.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                .isEmpty();
        PodLifecycleIT.assertNothingLeaked(daemon, dir);
        assertThat(daemon.log().lines().filter(line -> line.contains(" ERROR ")).limit(20).toList())
                .as("errors in the daemon's log").isEmpty();
    }

    /**
     * Creates and starts a container in a pod a mutated RunPodSandbox made, as kubelet would: a mistake
     * RunPodSandbox let through must not fail there. A pod whose log directory is outside the test's is removed
     * instead: a container's log file would stay behind there on the host.
     */
    private void runContainerIn(String podId, PodSandboxConfig pod, List<String> changes) {
        if (!Path.of(pod.getLogDirectory()).normalize().startsWith(dir)) {
            // nor may a later CreateContainer whose mutated pod id happens to name this pod
            daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            return;
        }
        List<String> context = List.of("a container in a pod of RunPodSandbox with " + changes);
        Outcome made = send(CREATE_CONTAINER, CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(pod).setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("in-pod"))
                        .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                        .addCommand("sleep").addArgs("600").setLogPath("in-pod.log")).build(), context);
        if (made.response() instanceof CreateContainerResponse container) {
            send(START_CONTAINER, StartContainerRequest.newBuilder().setContainerId(container.getContainerId())
                    .build(), context);
        }
    }

    /** Sends one request, counts the answer and records it when it is not allowed. */
    private Outcome send(MethodDescriptor<Message, Message> method, Message request, List<String> changes) {
        String name = method.getBareMethodName();
        Outcome outcome = call(method, request);
        sent++;
        counts.computeIfAbsent(name, n -> new EnumMap<>(Status.Code.class)).merge(outcome.code(), 1, Integer::sum);
        String problem = outcome.code() == Status.Code.DEADLINE_EXCEEDED && asksToWaitLonger(request) ? null
                : problem(name, request.getDescriptorForType(), outcome, unserved);
        if (problem != null) {
            offenders.add(name + " answered " + problem + "\n    changes: " + changes
                    + "\n    request: " + cut(TextFormat.printer().shortDebugString(request), 600));
        }
        return outcome;
    }

    /**
     * Why an outcome is not allowed, or null when it is: OK, the caller's mistake (INVALID_ARGUMENT naming a field
     * of the request), unknown or existing objects and objects in the wrong state are; UNKNOWN and INTERNAL never.
     */
    private static String problem(String method, Descriptor request, Outcome outcome, Set<String> unserved) {
        Status.Code code = outcome.code();
        String answer = code + " " + outcome.description();
        return switch (code) {
            case OK, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS -> null;
            case INVALID_ARGUMENT -> RequestMutator.namesField(request, outcome.description()) ? null
                    : answer + " (the description does not start with a field of " + request.getName() + ")";
            case UNIMPLEMENTED -> unserved.contains(method) ? null : answer;
            // ExecSync's command timed out; a streaming RPC streamed until the test's deadline
            case DEADLINE_EXCEEDED -> method.equals("ExecSync") || unserved.contains(method)
                    || isStreaming(method) ? null : answer;
            // an image name the mutation made points at a registry that is not there or refuses
            case UNAVAILABLE, PERMISSION_DENIED -> method.equals("PullImage") ? null : answer;
            default -> answer;
        };
    }

    /** A StopContainer whose grace period outlasts the call's deadline: the caller asked to wait that long. */
    private static boolean asksToWaitLonger(Message request) {
        return request instanceof StopContainerRequest stop && stop.getTimeout() >= CALL_DEADLINE.toSeconds();
    }

    private static boolean isStreaming(String method) {
        return method.startsWith("Stream") || method.equals("GetContainerEvents");
    }

    /** Every RPC of the runtime and image services. */
    @SuppressWarnings("unchecked")
    private static List<MethodDescriptor<Message, Message>> methods() {
        List<MethodDescriptor<Message, Message>> methods = new ArrayList<>();
        for (ServiceDescriptor service : List.of(RuntimeServiceGrpc.getServiceDescriptor(),
                ImageServiceGrpc.getServiceDescriptor())) {
            service.getMethods().forEach(m -> methods.add((MethodDescriptor<Message, Message>) m));
        }
        methods.sort(java.util.Comparator.comparing(MethodDescriptor::getFullMethodName));
        return methods;
    }

    /** One round's calls: each RPC as often as its weight, shuffled, the destructive ones last. */
    private static List<MethodDescriptor<Message, Message>> schedule(List<MethodDescriptor<Message, Message>> methods,
                                                                    Set<String> unserved, Random order) {
        List<MethodDescriptor<Message, Message>> first = new ArrayList<>();
        List<MethodDescriptor<Message, Message>> last = new ArrayList<>();
        for (MethodDescriptor<Message, Message> method : methods) {
            String name = method.getBareMethodName();
            int weight = unserved.contains(name) || method.getType() != MethodDescriptor.MethodType.UNARY
                    ? STREAM_WEIGHT : WEIGHTS.getOrDefault(name, DEFAULT_WEIGHT);
            for (int i = 0; i < weight; i++) {
                (DESTRUCTIVE.contains(name) ? last : first).add(method);
            }
        }
        Collections.shuffle(first, order);
        Collections.shuffle(last, order);
        first.addAll(last);
        return first;
    }

    private static Outcome call(MethodDescriptor<Message, Message> method, Message request) {
        boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
        Duration deadline = unary ? CALL_DEADLINE : STREAM_DEADLINE;
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (unary) {
                return new Outcome(Status.Code.OK, null,
                        ClientCalls.blockingUnaryCall(daemon.channel(), method, options, request));
            }
            Iterator<Message> responses = ClientCalls.blockingServerStreamingCall(daemon.channel(), method, options,
                    request);
            Message first = responses.hasNext() ? responses.next() : null;
            return new Outcome(Status.Code.OK, null, first);
        } catch (StatusRuntimeException e) {
            return new Outcome(e.getStatus().getCode(), e.getStatus().getDescription(), null);
        }
    }

    private static Message base(Map<String, Message> bases, MethodDescriptor<Message, Message> method) {
        Message base = bases.get(method.getBareMethodName());
        if (base != null) {
            return base;
        }
        return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
    }

    /**
     * Gives a mutated RunPodSandbox or CreateContainer a name of its own when the mutation left the name alone,
     * so that it reaches the runtime instead of failing early as a duplicate of the previous one.
     */
    private static Message unique(String method, Message request, Message base, int n) {
        if (request instanceof RunPodSandboxRequest run && base instanceof RunPodSandboxRequest b
                && run.getConfig().getMetadata().getUid().equals(b.getConfig().getMetadata().getUid())) {
            RunPodSandboxRequest.Builder builder = run.toBuilder();
            builder.getConfigBuilder().getMetadataBuilder().setUid(b.getConfig().getMetadata().getUid() + "-" + n);
            return builder.build();
        }
        if (request instanceof CreateContainerRequest create && base instanceof CreateContainerRequest b
                && create.getConfig().getMetadata().getName().equals(b.getConfig().getMetadata().getName())) {
            CreateContainerRequest.Builder builder = create.toBuilder();
            builder.getConfigBuilder().getMetadataBuilder().setName(b.getConfig().getMetadata().getName() + "-" + n);
            if (create.getConfig().getLogPath().equals(b.getConfig().getLogPath())) {
                builder.getConfigBuilder().setLogPath("fuzz-" + n + ".log");
            }
            return builder.build();
        }
        return request;
    }

    /** A pod and a running container that ends on SIGTERM at once, so that a stop with any timeout is quick. */
    private static Target startTarget(int round) {
        PodSandboxConfig pod = daemon.podConfig("fuzz", "target-" + round);
        String podId = daemon.runPod(pod);
        String containerId = daemon.startContainer(podId, pod, IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("target"))
                .addCommand("sh").addArgs("-c").addArgs("trap 'exit 0' TERM; while true; do sleep 1; done"));
        assertThat(daemon.containerStatus(containerId).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        return new Target(pod, podId, containerId);
    }

    /** A valid request for each RPC, naming the round's pod and container; RPCs not listed get an empty one. */
    private static Map<String, Message> baseRequests(Target target, int round) {
        String pod = target.podId();
        String container = target.containerId();
        Map<String, Message> bases = new LinkedHashMap<>();
        bases.put("Version", VersionRequest.newBuilder().setVersion("v1").build());
        bases.put("RunPodSandbox", RunPodSandboxRequest.newBuilder().setConfig(podConfig(round)).build());
        bases.put("StopPodSandbox", StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        bases.put("RemovePodSandbox", RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        bases.put("PodSandboxStatus", PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).setVerbose(true)
                .build());
        bases.put("ListPodSandbox", ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .setId(pod).setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))
                .putLabelSelector("app", "fuzz")).build());
        bases.put("CreateContainer", CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                .setSandboxConfig(target.pod()).setConfig(containerConfig()).build());
        bases.put("StartContainer", StartContainerRequest.newBuilder().setContainerId(container).build());
        bases.put("StopContainer", StopContainerRequest.newBuilder().setContainerId(container).setTimeout(2).build());
        bases.put("RemoveContainer", RemoveContainerRequest.newBuilder().setContainerId(container).build());
        bases.put("ListContainers", ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .setId(container).setPodSandboxId(pod)
                .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                .putLabelSelector("app", "fuzz")).build());
        bases.put("ContainerStatus", ContainerStatusRequest.newBuilder().setContainerId(container).setVerbose(true)
                .build());
        bases.put("UpdateContainerResources", UpdateContainerResourcesRequest.newBuilder().setContainerId(container)
                .setLinux(LinuxContainerResources.newBuilder().setCpuPeriod(100_000).setCpuQuota(50_000)
                        .setCpuShares(256).setMemoryLimitInBytes(128L << 20))
                .putAnnotations("fuzz.example/resized", "true").build());
        bases.put("ReopenContainerLog", ReopenContainerLogRequest.newBuilder().setContainerId(container).build());
        bases.put("ExecSync", ExecSyncRequest.newBuilder().setContainerId(container).addCmd("true").setTimeout(2)
                .build());
        bases.put("Exec", ExecRequest.newBuilder().setContainerId(container).addCmd("sh").setStdout(true)
                .setStderr(true).build());
        bases.put("Attach", AttachRequest.newBuilder().setContainerId(container).setStdout(true).setStderr(true)
                .build());
        bases.put("PortForward", PortForwardRequest.newBuilder().setPodSandboxId(pod).addPort(80).build());
        bases.put("ContainerStats", ContainerStatsRequest.newBuilder().setContainerId(container).build());
        bases.put("ListContainerStats", ListContainerStatsRequest.newBuilder().setFilter(ContainerStatsFilter
                .newBuilder().setId(container).setPodSandboxId(pod).putLabelSelector("app", "fuzz")).build());
        bases.put("PodSandboxStats", PodSandboxStatsRequest.newBuilder().setPodSandboxId(pod).build());
        bases.put("ListPodSandboxStats", ListPodSandboxStatsRequest.newBuilder().setFilter(PodSandboxStatsFilter
                .newBuilder().setId(pod).putLabelSelector("app", "fuzz")).build());
        bases.put("UpdateRuntimeConfig", UpdateRuntimeConfigRequest.newBuilder().setRuntimeConfig(RuntimeConfig
                .newBuilder().setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("10.244.0.0/24"))).build());
        bases.put("Status", StatusRequest.newBuilder().setVerbose(true).build());
        bases.put("ListImages", ListImagesRequest.newBuilder().setFilter(ImageFilter.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE))).build());
        bases.put("ImageStatus", ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .setVerbose(true).build());
        bases.put("PullImage", PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .setSandboxConfig(target.pod()).build());
        // never the test image: the containers of the next round need it
        bases.put("RemoveImage", RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder()
                .setImage("registry.k8s.io/e2e/absent:fuzz")).build());
        bases.put("ImageFsInfo", ImageFsInfoRequest.getDefaultInstance());
        return bases;
    }

    /** A pod as kubelet describes one, with most fields set so that mutations find real values to change. */
    private static PodSandboxConfig podConfig(int round) {
        PodSandboxConfig pod = daemon.podConfig("fuzz", "pod-" + round);
        return pod.toBuilder()
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("fuzz.svc.cluster.local")
                        .addOptions("ndots:5"))
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80))
                .putLabels("app", "fuzz")
                .putAnnotations("fuzz.example/annotation", "value")
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .putSysctls("kernel.shm_rmid_forced", "1")
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
                                        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))
                                .setSeccomp(SecurityProfile.newBuilder()
                                        .setProfileType(SecurityProfile.ProfileType.RuntimeDefault))))
                .build();
    }

    /** A container as kubelet describes one, with most fields set so that mutations find real values to change. */
    private static ContainerConfig containerConfig() {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("fuzz"))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .addCommand("sleep").addArgs("600")
                .setWorkingDir("/")
                .addEnvs(KeyValue.newBuilder().setKey("FUZZ").setValue(ByteString.copyFromUtf8("1")))
                .addMounts(Mount.newBuilder().setContainerPath("/data")
                        .setHostPath(dir.resolve("mount-source").toString()).setReadonly(true))
                .addDevices(Device.newBuilder().setContainerPath("/dev/fuzz-null").setHostPath("/dev/null")
                        .setPermissions("rwm"))
                .putLabels("app", "fuzz")
                .putAnnotations("fuzz.example/annotation", "value")
                .setLogPath("fuzz.log")
                .setStopSignal(Signal.SIGNAL_SIGTERM)
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setCpuPeriod(100_000).setCpuQuota(50_000)
                                .setCpuShares(512).setMemoryLimitInBytes(64L << 20).setOomScoreAdj(100)
                                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0)))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setCapabilities(Capability.newBuilder().addAddCapabilities("NET_ADMIN")
                                        .addDropCapabilities("MKNOD"))
                                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                                .setRunAsGroup(Int64Value.newBuilder().setValue(1000))
                                .addSupplementalGroups(2000)
                                .setNoNewPrivs(true)
                                .addMaskedPaths("/proc/kcore")
                                .addReadonlyPaths("/proc/sys")
                                .setSeccomp(SecurityProfile.newBuilder()
                                        .setProfileType(SecurityProfile.ProfileType.RuntimeDefault))
                                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
                                        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))))
                .build();
    }

    private static boolean daemonAnswers() {
        try {
            return daemon.runtime().withDeadlineAfter(10, TimeUnit.SECONDS)
                    .version(VersionRequest.getDefaultInstance()).getRuntimeName().equals("berth");
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    private static boolean imagePresent() {
        return daemon.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build()).hasImage();
    }

    /**
     * Removes every pod and container, those the mutated requests made and the round's own, going on past
     * failures; returns them.
     */
    private static List<String> removeEverything() {
        var runtime = daemon.runtime();
        List<String> failures = new ArrayList<>();
        for (var container : runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
            try {
                runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(container.getId()).build());
            } catch (StatusRuntimeException e) {
                failures.add("RemoveContainer " + container.getId() + " answered " + e.getStatus());
            }
        }
        for (var pod : runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            try {
                runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
                runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
            } catch (StatusRuntimeException e) {
                failures.add("removing pod " + pod.getId() + " (" + pod.getMetadata() + ") answered "
                        + e.getStatus());
            }
        }
        return failures;
    }

    private static String report(List<String> offenders) {
        return offenders.stream().limit(20).collect(Collectors.joining("\n"));
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}

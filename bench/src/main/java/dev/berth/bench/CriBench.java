package dev.berth.bench;

import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.PullImageRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CRI benchmark: the same workloads against one or more CRI sockets. With two endpoints it alternates between
 * them (round by round, and within a round workload by workload, starting with the other one each round), so that
 * drift of the machine falls on both alike, and prints the ratios of the first to the second.
 *
 * <p>Every pod it makes carries a label of the run and is removed at the end, also when a call failed.
 */
@Command(name = "cri-bench", mixinStandardHelpOptions = true,
        description = "Measures CRI call latency (p50/p90/p99) and runtime memory on any CRI endpoint.")
public final class CriBench implements Callable<Integer> {

    @Option(names = "--endpoint", required = true, paramLabel = "[NAME=]unix:///PATH",
            description = "A CRI socket; give it twice to compare (ratios are first/second).")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--daemon-pid", paramLabel = "PID",
            description = "The PID of each endpoint's daemon, in the order of --endpoint (0: unknown), for memory.")
    List<Long> daemonPids = new ArrayList<>();

    @Option(names = "--runs", defaultValue = "20", description = "Measured runs of each workload per endpoint.")
    int runs;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds the runs are split into.")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured runs before the first round.")
    int warmup;

    @Option(names = "--workloads", split = ",", defaultValue = "pod,container,image,list",
            description = "Of pod, container, image, list (pod also runs a shared-PID pod).")
    List<String> workloads;

    @Option(names = "--image", defaultValue = "registry.k8s.io/e2e-test-images/busybox:1.29-2",
            description = "An image with sleep, pulled by the image workload and run by the others.")
    String image;

    @Option(names = "--list-pods", defaultValue = "20", description = "Pods (one container each) for list.")
    int listPods;

    @Option(names = "--monitor", split = ",", defaultValue = "conmon,containerd-shim",
            description = "Command names of the runtimes' per-pod or per-container monitor processes.")
    List<String> monitors;

    @Option(names = "--cgroup-parent", defaultValue = "", description = "The pods' cgroup parent (kubelet's).")
    String cgroupParent;

    @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for each endpoint to answer.")
    int waitSeconds;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    /** Netty's warning that unix channels know no SO_KEEPALIVE is noise here; held so that the level sticks. */
    private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.netty.bootstrap");

    public static void main(String[] args) {
        NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        System.exit(new CommandLine(new CriBench())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    System.err.println("bench: failed: " + e);
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String runId = UUID.randomUUID().toString();
        Path logRoot = Files.createTempDirectory("berth-bench-logs");
        PodConfigs configs = new PodConfigs(logRoot, cgroupParent, image);
        List<Workload> selected = workloads(configs);
        List<Target> targets = new ArrayList<>();
        Map<Target, Samples> samples = new LinkedHashMap<>();
        Map<Target, MemoryUse> memory = new LinkedHashMap<>();
        try {
            for (int i = 0; i < endpoints.size(); i++) {
                Target target = Target.parse(endpoints.get(i), i < daemonPids.size() ? daemonPids.get(i) : 0, runId);
                targets.add(target);
                samples.put(target, new Samples());
            }
            for (Target target : targets) {
                target.awaitReady(Duration.ofSeconds(waitSeconds));
                target.images().pullImage(PullImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(image)).build());
            }
            for (Target target : warmup > 0 ? targets : List.<Target>of()) {
                for (Workload workload : selected) {
                    workload.run(target, warmup, new Samples(), use -> { });
                }
            }
            int perRound = (runs + rounds - 1) / rounds;
            for (int round = 0; round < rounds; round++) {
                List<Target> order = new ArrayList<>(targets);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                int count = Math.min(perRound, runs - round * perRound);
                for (Workload workload : selected) {
                    for (Target target : order) {
                        System.err.printf("bench: round %d/%d, %s on %s%n", round + 1, rounds, workload.name(),
                                target.name);
                        workload.run(target, count, samples.get(target), use -> memory.put(target, use));
                    }
                }
            }
            List<Result> results = new ArrayList<>();
            for (Target target : targets) {
                results.add(new Result(target.name, target.runtimeName(), samples.get(target), memory.get(target)));
            }
            System.out.print(json ? Report.json(results) : Report.table(results));
            return 0;
        } finally {
            for (Target target : targets) {
                target.removeEverything();
                target.close();
            }
            deleteRecursively(logRoot);
        }
    }

    private List<Workload> workloads(PodConfigs configs) {
        List<Workload> selected = new ArrayList<>();
        for (String name : workloads) {
            switch (name.strip()) {
                case "pod" -> {
                    selected.add(new PodWorkload(configs, false));
                    selected.add(new PodWorkload(configs, true));
                }
                case "container" -> selected.add(new ContainerWorkload(configs));
                case "image" -> selected.add(new ImageWorkload(image));
                case "list" -> selected.add(new ListWorkload(configs, listPods, monitors));
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "unknown workload " + name + " (pod, container, image, list)");
            }
        }
        return selected;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

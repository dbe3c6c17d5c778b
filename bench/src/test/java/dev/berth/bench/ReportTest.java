package dev.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static Result result(String name, long runPodNanos, MemoryUse memory) {
        Samples samples = new Samples();
        samples.add("pod/RunPodSandbox", runPodNanos);
        return new Result(name, name + " 1.0", samples, memory);
    }

    @Test
    void table_twoTargets_printsTheRatioOfTheFirstToTheSecond() {
        String table = Report.table(List.of(result("berth", 50_000_000L, null), result("containerd", 100_000_000L,
                null)));

        assertThat(table).contains("berth/containerd");
        assertThat(table.lines().filter(line -> line.startsWith("pod/RunPodSandbox")).findFirst().orElseThrow())
                .contains("50.0").contains("100.0").endsWith("0.50  0.50  0.50");
    }

    @Test
    void table_oneTarget_noRatio() {
        String table = Report.table(List.of(result("berth", 50_000_000L, null)));

        assertThat(table).doesNotContain("/containerd").doesNotContain("memory");
    }

    @Test
    void table_memory_inMiBWithRatio() {
        MemoryUse berth = new MemoryUse(20, new Memory(102400, 51200), 20, new Memory(40960, 10240));
        MemoryUse containerd = new MemoryUse(20, new Memory(51200, 51200), 20, new Memory(204800, 102400));

        String table = Report.table(List.of(result("berth", 1, berth), result("containerd", 1, containerd)));

        assertThat(table).contains("memory with 20 pods, MiB");
        assertThat(table.lines().filter(line -> line.startsWith("daemon PSS")).findFirst().orElseThrow())
                .contains("50.0").endsWith("1.00");
        assertThat(table.lines().filter(line -> line.startsWith("monitors PSS")).findFirst().orElseThrow())
                .contains("10.0").contains("100.0").endsWith("0.10");
    }

    @Test
    void json_twoTargets_percentilesMemoryAndRatios() {
        MemoryUse memory = new MemoryUse(3, new Memory(10, 5), 3, new Memory(30, 9));

        String json = Report.json(List.of(result("berth", 50_000_000L, memory), result("containerd", 100_000_000L,
                null)));

        assertThat(json)
                .contains("\"name\": \"berth\"")
                .contains("\"pod/RunPodSandbox\": {\"n\": 1, \"p50\": 50.000, \"p90\": 50.000, \"p99\": 50.000}")
                .contains("\"memory_kib\": {\"pods\": 3, \"daemon_rss\": 10, \"daemon_pss\": 5, \"monitors\": 3, "
                        + "\"monitors_rss\": 30, \"monitors_pss\": 9}")
                .contains("\"ratios\": {\"of\": \"berth/containerd\"")
                .contains("\"pod/RunPodSandbox\": {\"p50\": 0.500, \"p90\": 0.500, \"p99\": 0.500}");
    }

    @Test
    void json_operationMissingOnOneTarget_ratioIsNull() {
        Samples only = new Samples();
        only.add("image/PullImage", 1_000_000L);
        Result first = new Result("berth", "berth", only, null);
        Result second = result("containerd", 1, null);

        assertThat(Report.json(List.of(first, second))).contains("\"image/PullImage\": {\"p50\": null");
    }
}

package dev.berth.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupUsageTest {

    private static final long NOW = 1_700_000_000_123_456_789L;
    private static final String POD = "/berth/pod1";
    private static final String V1_UNLIMITED = "9223372036854771712";

    @TempDir
    Path root;

    private Path cgroup(String hierarchy, String path) throws IOException {
        return Files.createDirectories(root.resolve(hierarchy).resolve(path.substring(1)));
    }

    private static void write(Path dir, String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text);
    }

    private CgroupfsCgroups cgroups(String... hierarchies) {
        return new CgroupfsCgroups(List.of(hierarchies).stream().map(root::resolve).toList(), () -> NOW);
    }

    /** A hybrid host as this project's machines are: v1 controllers each on their own, plus an empty v2 tree. */
    private CgroupfsCgroups hybridWithV1Files() throws IOException {
        write(cgroup("cpuacct", POD), "cpuacct.usage", "123456789\n");
        Path cpu = cgroup("cpu", POD);
        write(cpu, "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
        Path memory = cgroup("memory", POD);
        write(memory, "memory.usage_in_bytes", "10485760\n");
        write(memory, "memory.limit_in_bytes", "67108864\n");
        write(memory, "memory.memsw.usage_in_bytes", "11534336\n");
        write(memory, "memory.stat", """
                cache 4096
                rss 1024
                inactive_file 1
                pgfault 1
                total_cache 8388608
                total_rss 2097152
                total_pgfault 3300
                total_pgmajfault 7
                total_inactive_file 4194304
                hierarchical_memory_limit 67108864
                """);
        write(cgroup("pids", POD), "pids.current", "3\n");
        write(cgroup("unified", POD), "cpu.stat", "usage_usec 999\nuser_usec 500\nsystem_usec 499\n");
        return cgroups("cpu", "cpuacct", "memory", "pids", "unified");
    }

    @Test
    void usage_v1Hybrid_readsV1ControllersAndSkipsTheEmptyV2Tree() throws IOException {
        ResourceUsage usage = hybridWithV1Files().usage(POD).orElseThrow();

        assertThat(usage.timestampNanos()).isEqualTo(NOW);
        assertThat(usage.cpuUsageCoreNanos()).isEqualTo(123456789L);
        assertThat(usage.memoryUsageBytes()).isEqualTo(10485760L);
        assertThat(usage.memoryWorkingSetBytes()).isEqualTo(10485760L - 4194304L);
        assertThat(usage.memoryRssBytes()).isEqualTo(2097152L);
        assertThat(usage.pageFaults()).isEqualTo(3300L);
        assertThat(usage.majorPageFaults()).isEqualTo(7L);
        assertThat(usage.memoryLimitBytes()).isEqualTo(67108864L);
        assertThat(usage.swapUsageBytes()).isEqualTo(11534336L - 10485760L);
        assertThat(usage.pids()).isEqualTo(3L);
    }

    @Test
    void usage_v1NoLimitNoSwapAccounting_limitZeroAndSwapUnavailable() throws IOException {
        Path memory = cgroup("memory", POD);
        write(memory, "memory.usage_in_bytes", "4096\n");
        write(memory, "memory.limit_in_bytes", V1_UNLIMITED + "\n");
        write(memory, "memory.stat", "total_rss 4096\ntotal_inactive_file 0\n");

        ResourceUsage usage = cgroups("memory").usage(POD).orElseThrow();

        assertThat(usage.memoryLimitBytes()).isZero();
        assertThat(usage.hasSwap()).isFalse();
        assertThat(usage.hasCpu()).isFalse();
        assertThat(usage.hasPids()).isFalse();
        assertThat(usage.hasMemory()).isTrue();
    }

    @Test
    void usage_inactiveFileAboveUsage_workingSetFlooredAtZero() throws IOException {
        Path memory = cgroup("memory", POD);
        write(memory, "memory.usage_in_bytes", "4096\n");
        write(memory, "memory.stat", "total_inactive_file 8192\n");

        ResourceUsage usage = cgroups("memory").usage(POD).orElseThrow();

        assertThat(usage.memoryWorkingSetBytes()).isZero();
    }

    @Test
    void usage_v2_readsUnifiedFiles() throws IOException {
        Path dir = cgroup("unified", POD);
        write(dir, "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        write(dir, "memory.current", "20971520\n");
        write(dir, "memory.max", "max\n");
        write(dir, "memory.swap.current", "4096\n");
        write(dir, "memory.stat", """
                anon 3145728
                file 16777216
                inactive_file 10485760
                pgfault 42
                pgmajfault 2
                """);
        write(dir, "pids.current", "5\n");

        ResourceUsage usage = cgroups("unified").usage(POD).orElseThrow();

        assertThat(usage.cpuUsageCoreNanos()).isEqualTo(2_500_000L);
        assertThat(usage.memoryUsageBytes()).isEqualTo(20971520L);
        assertThat(usage.memoryWorkingSetBytes()).isEqualTo(20971520L - 10485760L);
        assertThat(usage.memoryRssBytes()).isEqualTo(3145728L);
        assertThat(usage.pageFaults()).isEqualTo(42L);
        assertThat(usage.majorPageFaults()).isEqualTo(2L);
        assertThat(usage.memoryLimitBytes()).isZero();
        assertThat(usage.swapUsageBytes()).isEqualTo(4096L);
        assertThat(usage.pids()).isEqualTo(5L);
    }

    @Test
    void usage_v2WithLimit_reportsLimit() throws IOException {
        Path dir = cgroup("unified", POD);
        write(dir, "memory.current", "1024\n");
        write(dir, "memory.max", "33554432\n");

        assertThat(cgroups("unified").usage(POD).orElseThrow().memoryLimitBytes()).isEqualTo(33554432L);
    }

    @Test
    void usage_absentCgroup_isEmpty() throws IOException {
        hybridWithV1Files();

        Optional<ResourceUsage> usage = cgroups("cpu", "cpuacct", "memory", "pids", "unified")
                .usage("/berth/gone");

        assertThat(usage).isEmpty();
    }

    @Test
    void usage_hierarchyRoot_isEmpty() throws IOException {
        write(Files.createDirectories(root.resolve("memory")), "memory.usage_in_bytes", "1\n");

        assertThat(cgroups("memory").usage("/")).isEmpty();
    }

    @Test
    void usage_garbledCounter_reportsItUnavailable() throws IOException {
        write(cgroup("cpuacct", POD), "cpuacct.usage", "not a number\n");

        ResourceUsage usage = cgroups("cpuacct").usage(POD).orElseThrow();

        assertThat(usage.hasCpu()).isFalse();
    }

    @Test
    void parseKeyed_mixedLines_keepsNumericPairsOnly() {
        assertThat(CgroupUsage.parseKeyed("a 1\nb two\nc 3 4\n\n  d   5  \n"))
                .containsOnlyKeys("a", "d")
                .containsEntry("a", 1L)
                .containsEntry("d", 5L);
    }
}

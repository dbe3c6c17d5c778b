package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTreeTest {

    @TempDir
    Path proc;

    private void process(long pid, long ppid) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        // a name with spaces and a parenthesis, as /proc allows
        Files.writeString(dir.resolve("stat"), pid + " (odd name) x) S " + ppid + " 1 1 0 -1\n");
    }

    @Test
    void killTree_nestedChildren_stopsAllBeforeKillingAny() throws IOException {
        process(1, 0);
        process(10, 1);
        process(11, 10);
        process(12, 11);
        process(13, 10);
        process(20, 1);
        Files.createDirectories(proc.resolve("self"));
        List<String> signals = new ArrayList<>();

        Set<Long> killed = new ProcessTree(proc, (pid, signal) -> signals.add(signal + ":" + pid)).killTree(10);

        assertThat(killed).containsExactlyInAnyOrder(10L, 11L, 12L, 13L);
        int firstKill = signals.indexOf("9:10");
        assertThat(signals.subList(0, firstKill)).allMatch(s -> s.startsWith("19:")).hasSize(4);
        assertThat(signals.subList(firstKill, signals.size())).allMatch(s -> s.startsWith("9:")).hasSize(4);
    }

    @Test
    void killTree_goneProcess_sendsNothingMore() throws IOException {
        process(10, 1);
        List<String> signals = new ArrayList<>();

        Set<Long> killed = new ProcessTree(proc, (pid, signal) -> {
            signals.add(signal + ":" + pid);
            return false;
        }).killTree(10);

        assertThat(killed).isEmpty();
        assertThat(signals).containsExactly("19:10");
    }

    @Test
    void killTree_childThatVanishesWhileFreezing_isNotKilled() throws IOException {
        process(10, 1);
        process(11, 10);
        Set<String> signals = new HashSet<>();

        Set<Long> killed = new ProcessTree(proc, (pid, signal) -> signals.add(signal + ":" + pid) && pid != 11)
                .killTree(10);

        assertThat(killed).containsExactly(10L);
        assertThat(signals).contains("19:11").doesNotContain("9:11");
    }

    @Test
    void kill_realShellWithBackgroundChildren_leavesNoneRunning() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "sleep 600 & sleep 600 & (sleep 600; true) & wait").start();
        List<Long> descendants = awaitDescendants(shell.pid(), 4);

        ProcessTree.kill(shell.pid());

        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (descendants.stream().anyMatch(ProcessTreeTest::running) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(descendants).noneMatch(ProcessTreeTest::running);
    }

    @Test
    void kill_noSuchProcess_isQuiet() {
        ProcessTree.kill(Integer.MAX_VALUE);
    }

    private static List<Long> awaitDescendants(long pid, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Long> found = ProcessHandle.of(pid).orElseThrow().descendants().map(ProcessHandle::pid).toList();
            if (found.size() >= count || System.nanoTime() > deadline) {
                assertThat(found).as("descendants of the test shell").hasSizeGreaterThanOrEqualTo(count);
                return found;
            }
            Thread.sleep(10);
        }
    }

    /** Alive and not a zombie waiting for its reaper. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}

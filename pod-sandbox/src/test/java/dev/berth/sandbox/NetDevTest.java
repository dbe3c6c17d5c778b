package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetDevTest {

    private static final String NET_DEV = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:     560       8    0    0    0     0          0         0      560       8    0    0    0     0       0          0
              eth0:    1746      19    1    0    0     0          0         0      936      10    2    0    0     0       0          0
            net1:12345678901   100    0    0    0     0          0         0 98765     90    0    0    0     0       0          0
            """;

    @TempDir
    Path dir;

    @Test
    void parse_procNetDev_skipsLoopbackAndReadsCounters() {
        List<InterfaceUsage> usage = NetDev.parse(NET_DEV);

        assertThat(usage).containsExactly(
                new InterfaceUsage("eth0", 1746, 1, 936, 2),
                new InterfaceUsage("net1", 12345678901L, 0, 98765, 0));
    }

    @Test
    void parse_truncatedLine_isLeftOut() {
        assertThat(NetDev.parse("  eth0: 1 2 3\n")).isEmpty();
    }

    private Path fakeProcess(long pid, Path netnsTarget) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc").resolve(Long.toString(pid)));
        Files.createDirectories(proc.resolve("ns"));
        Files.createSymbolicLink(proc.resolve("ns").resolve("net"), netnsTarget);
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net").resolve("dev"), NET_DEV);
        return proc;
    }

    @Test
    void read_processInTheNamespace_returnsItsCounters() throws IOException {
        Path netns = Files.writeString(dir.resolve("net-pod"), "");
        fakeProcess(7, netns);

        assertThat(NetDev.read(dir.resolve("proc"), 7, netns)).hasValueSatisfying(
                usage -> assertThat(usage).extracting(InterfaceUsage::name).containsExactly("eth0", "net1"));
    }

    @Test
    void read_processInAnotherNamespace_isEmpty() throws IOException {
        Path netns = Files.writeString(dir.resolve("net-pod"), "");
        Path other = Files.writeString(dir.resolve("net-other"), "");
        fakeProcess(7, other);

        assertThat(NetDev.read(dir.resolve("proc"), 7, netns)).isEmpty();
    }

    @Test
    void read_processGone_isEmpty() throws IOException {
        Path netns = Files.writeString(dir.resolve("net-pod"), "");

        assertThat(NetDev.read(dir.resolve("proc"), 99, netns)).isEmpty();
    }
}

package dev.berth.ns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.cri.v1.IDMapping;
import dev.berth.cri.v1.NamespaceMode;
import dev.berth.cri.v1.UserNamespace;
import dev.berth.host.CommandResult;
import dev.berth.host.MountTable;
import dev.berth.host.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning a pod's namespaces with real unshare, mount and nsenter, as root. */
class NamespacePinnerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final ProcessRunner runner = new ProcessRunner();

    @TempDir
    Path dir;
    private NamespacePinner pinner;

    @BeforeEach
    void setUp() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        pinner = new NamespacePinner(runner, dir.resolve("ns"));
    }

    @AfterEach
    void releaseRoot() {
        if (pinner != null) {
            pinner.unpinAll("pod1");
            pinner.releaseRoot();
            assertThat(MountTable.under(dir)).as("mounts left under " + dir).isEmpty();
        }
    }

    @Test
    void pin_withUserNamespace_ownsTheOthersWithThePodsMappings_andUnpinsCleanly() {
        IDMapping range = IDMapping.newBuilder().setContainerId(0).setHostId(3_000_000).setLength(65536).build();
        UserNamespace userns = UserNamespace.newBuilder().setMode(NamespaceMode.POD).addUids(range)
                .addGids(range.toBuilder().setHostId(4_000_000)).build();

        PinnedNamespaces pins = pinner.pin("pod1", true, true, true, "userns-pod", userns);

        assertThat(pins.user()).isEqualTo(dir.resolve("ns/user/pod1"));
        for (Path p : List.of(pins.user(), pins.net(), pins.ipc(), pins.uts())) {
            assertThat(NamespacePinner.isPinned(p)).as(p.toString()).isTrue();
        }
        assertThat(words(run("nsenter", "--user=" + pins.user(), "cat", "/proc/self/uid_map")))
                .containsExactly("0", "3000000", "65536");
        assertThat(words(run("nsenter", "--user=" + pins.user(), "cat", "/proc/self/gid_map")))
                .containsExactly("0", "4000000", "65536");
        assertThat(run("nsenter", "--uts=" + pins.uts(), "hostname").strip()).isEqualTo("userns-pod");
        // root of the pod's user namespace administers the pod's network: the namespace owns it
        run("nsenter", "--user=" + pins.user(), "--net=" + pins.net(), "ip", "link", "set", "lo", "up");
        assertThat(run("nsenter", "--net=" + pins.net(), "ip", "-o", "link", "show", "lo")).contains("UP");
        assertThat(pinner.knownIds()).containsExactly("pod1");

        pinner.unpin(pins);

        for (Path p : List.of(pins.user(), pins.net(), pins.ipc(), pins.uts())) {
            assertThat(p).doesNotExist();
        }
        assertThat(pinner.knownIds()).isEmpty();
    }

    @Test
    void pin_withoutUserNamespace_noUserNamespacePinned() {
        PinnedNamespaces pins = pinner.pin("pod1", true, true, true, "plain-pod", null);

        assertThat(pins.user()).isNull();
        assertThat(dir.resolve("ns/user/pod1")).doesNotExist();
        assertThat(run("nsenter", "--uts=" + pins.uts(), "hostname").strip()).isEqualTo("plain-pod");

        pinner.unpin(pins);

        assertThat(pins.net()).doesNotExist();
    }

    private String run(String... argv) {
        CommandResult r = runner.run(List.of(argv), TIMEOUT);
        return r.stdout();
    }

    private static List<String> words(String text) {
        return List.of(text.strip().split("\\s+"));
    }
}

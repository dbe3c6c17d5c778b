package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HostFactsTest {
    private static final String STATUS = "Name:\tjava\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n";
    private static final String HYBRID = """
            30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw
            32 30 0:28 / /sys/fs/cgroup/cpu rw,nosuid shared:11 - cgroup cgroup rw,cpu
            """;
    private static final String UNIFIED = """
            30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
            """;

    private static final Function<Path, Optional<String>> NO_FILES = path -> Optional.empty();

    @Test
    void parse_boundingWithoutSysResource_omitsIt() {
        HostFacts f = HostFacts.parse(STATUS, "-500\n", HYBRID, NO_FILES, "amd64");

        assertThat(f.boundingCapabilities()).contains("CAP_CHOWN", "CAP_CHECKPOINT_RESTORE", "CAP_SYS_ADMIN")
                .doesNotContain("CAP_SYS_RESOURCE").hasSize(40);
        assertThat(f.oomScoreAdj()).isEqualTo(-500);
    }

    @Test
    void parse_hybridMounts_isNotV2() {
        HostFacts f = HostFacts.parse(STATUS, "0", HYBRID, NO_FILES, "amd64");

        assertThat(f.cgroupV2()).isFalse();
        assertThat(f.cgroups().controllers()).containsExactly("cpu");
    }

    @Test
    void parse_unifiedMount_isV2() {
        assertThat(HostFacts.parse(STATUS, "0", UNIFIED, NO_FILES, "amd64").cgroupV2()).isTrue();
    }

    @Test
    void detect_thisProcess_readsNonEmptyBoundingSet() {
        HostFacts f = HostFacts.detect();

        assertThat(f.boundingCapabilities()).isNotEmpty().allMatch(c -> c.startsWith("CAP_"));
        assertThat(f.oomScoreAdj()).isBetween(-1000, 1000);
        assertThat(f.arch()).isEqualTo(System.getProperty("os.arch")).isNotBlank();
    }

    @Test
    void detect_runcFeatures_becomeTheOciFeaturesOnThisKernel() {
        HostFacts without = HostFacts.detect(Optional.empty());
        HostFacts with = HostFacts.detect(Optional.of(OciFeaturesTest.RUNC_1_2));

        assertThat(without.oci()).isEqualTo(OciFeatures.none());
        assertThat(HostFacts.detect().oci()).isEqualTo(OciFeatures.none());
        // every kernel these tests run on is newer than 5.12
        assertThat(with.oci()).isEqualTo(new OciFeatures(true, true));
    }

    @Test
    void parse_onlineCpusAndNodes_readFromSysfs() {
        Function<Path, Optional<String>> sysfs = path -> switch (path.toString()) {
            case "/sys/devices/system/cpu/online" -> Optional.of("0-3\n");
            case "/sys/devices/system/node/online" -> Optional.of("0-1\n");
            default -> Optional.empty();
        };

        HostFacts f = HostFacts.parse(STATUS, "0", UNIFIED, sysfs, "amd64");

        assertThat(f.cpus()).isEqualTo("0-3");
        assertThat(f.mems()).isEqualTo("0-1");
    }

    @Test
    void parse_kernelWithoutNuma_hasMemoryNodeZero() {
        HostFacts f = HostFacts.parse(STATUS, "0", UNIFIED, NO_FILES, "amd64");

        assertThat(f.cpus()).as("unknown").isEmpty();
        assertThat(f.mems()).isEqualTo("0");
    }
}

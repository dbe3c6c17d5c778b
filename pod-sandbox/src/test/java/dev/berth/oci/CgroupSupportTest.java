package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupSupportTest {

    /** A test resource under {@code dev/berth/oci/cgroups/}. */
    static String fixture(String name) {
        try (InputStream in = CgroupSupportTest.class.getResourceAsStream("cgroups/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing fixture cgroups/" + name, e);
        }
    }

    private static CgroupSupport detect(String mountInfo, Map<String, String> files) {
        return CgroupSupport.detect(fixture(mountInfo), path -> Optional.ofNullable(files.get(path.toString())));
    }

    @Test
    void detect_v1HybridWithoutHugetlbMount_listsMountedControllersOnly() {
        CgroupSupport c = detect("v1-hybrid.mountinfo",
                Map.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", "9223372036854771712\n"));

        assertThat(c.v2()).isFalse();
        assertThat(c.controllers()).containsExactly("blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer",
                "memory", "pids");
        assertThat(c.has("hugetlb")).isFalse();
        assertThat(c.swap()).isTrue();
        assertThat(c.ignoredLimits()).singleElement().asString()
                .contains("hugetlb").contains("hugepage limits");
    }

    @Test
    void detect_v1CoMountedControllers_splitsTheirOptions() {
        CgroupSupport c = detect("v1-systemd.mountinfo", Map.of());

        assertThat(c.controllers()).contains("cpu", "cpuacct", "hugetlb", "net_cls", "net_prio", "rdma")
                .doesNotContain("name=systemd", "xattr", "rw");
    }

    @Test
    void detect_v1WithoutSwapAccounting_hasNoSwap() {
        CgroupSupport c = detect("v1-systemd.mountinfo", Map.of());

        assertThat(c.swap()).isFalse();
        assertThat(c.ignoredLimits()).singleElement().asString().contains("swap");
    }

    @Test
    void detect_v2_readsTheRootsControllers() {
        CgroupSupport c = detect("v2.mountinfo",
                Map.of("/sys/fs/cgroup/cgroup.controllers", fixture("v2-full.controllers")));

        assertThat(c.v2()).isTrue();
        assertThat(c.controllers()).containsExactly("cpu", "cpuset", "hugetlb", "io", "memory", "misc", "pids",
                "rdma");
        assertThat(c.swap()).isTrue();
        assertThat(c.ignoredLimits()).isEmpty();
    }

    @Test
    void detect_v2WithoutHugetlb_warnsAboutHugepages() {
        CgroupSupport c = detect("v2.mountinfo",
                Map.of("/sys/fs/cgroup/cgroup.controllers", fixture("v2-no-hugetlb.controllers")));

        assertThat(c.has("hugetlb")).isFalse();
        assertThat(c.ignoredLimits()).singleElement().asString().contains("hugetlb");
    }

    @Test
    void detect_v2WithoutControllersFile_hasNoControllers() {
        CgroupSupport c = detect("v2.mountinfo", Map.of());

        assertThat(c.controllers()).isEmpty();
        assertThat(c.swap()).isFalse();
        assertThat(c.ignoredLimits()).hasSize(5);
    }

    @Test
    void allowsUnifiedKey_byControllerPrefix() {
        CgroupSupport c = new CgroupSupport(true, java.util.Set.of("memory"), true);

        assertThat(c.allowsUnifiedKey("memory.high")).isTrue();
        assertThat(c.allowsUnifiedKey("cgroup.max.depth")).isTrue();
        assertThat(c.allowsUnifiedKey("hugetlb.2MB.max")).isFalse();
        assertThat(c.allowsUnifiedKey("rdma.max")).isFalse();
        assertThat(c.allowsUnifiedKey("misc.max")).isFalse();
    }

    @Test
    void detect_thisHost_agreesWithProcCgroups() throws IOException {
        // Whatever this host is, a controller the kernel lists as disabled is never reported usable.
        CgroupSupport c = HostFacts.detect().cgroups();
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cgroups"))) {
            String[] f = line.split("\\s+");
            if (!line.startsWith("#") && f.length == 4 && f[3].equals("0")) {
                assertThat(c.controllers()).doesNotContain(f[0]);
            }
        }
        if (!c.v2()) {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cgroups"))) {
                String[] f = line.split("\\s+");
                if (!line.startsWith("#") && f.length == 4 && f[1].equals("0")) {
                    assertThat(c.controllers()).as("v1 controller without a hierarchy").doesNotContain(f[0]);
                }
            }
        }
    }
}

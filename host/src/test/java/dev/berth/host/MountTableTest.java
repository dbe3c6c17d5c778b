package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void parse_mountinfoLines_returnsMountPointsTypesAndOptions() {
        List<MountTable.Mount> m = MountTable.parse(List.of(
                "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
                "200 30 0:4 net:[4026532] /run/berth/ns/net/abc rw shared:5 - nsfs nsfs rw",
                "201 30 0:50 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory"));

        assertThat(m).containsExactly(
                new MountTable.Mount(Path.of("/mnt/with space"), "ext3", List.of("rw", "errors=continue")),
                new MountTable.Mount(Path.of("/run/berth/ns/net/abc"), "nsfs", List.of("rw")),
                new MountTable.Mount(Path.of("/sys/fs/cgroup/memory"), "cgroup", List.of("rw", "memory")));
    }

    @Test
    void unescape_noEscapes_returnsInput() {
        assertThat(MountTable.unescape("/a/b")).isEqualTo("/a/b");
        assertThat(MountTable.unescape("/a\\134b")).isEqualTo("/a\\b");
    }
}

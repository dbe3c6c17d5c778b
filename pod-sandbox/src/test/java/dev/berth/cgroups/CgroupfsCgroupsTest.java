package dev.berth.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupfsCgroupsTest {

    @TempDir
    Path root;

    @Test
    void create_inEveryHierarchy_makesNestedDirsAndInheritsCpuset() throws Exception {
        Path cpuset = Files.createDirectories(root.resolve("cpuset"));
        Path memory = Files.createDirectories(root.resolve("memory"));
        Files.writeString(cpuset.resolve("cpuset.cpus"), "0-1\n");
        CgroupfsCgroups cg = new CgroupfsCgroups(List.of(cpuset, memory));

        cg.create("/berth/sb");

        assertThat(memory.resolve("berth/sb")).isDirectory();
        assertThat(cg.exists("/berth/sb")).isTrue();
        assertThat(cpuset.resolve("berth/sb")).isDirectory();
    }

    @Test
    void remove_existingAndAbsent_removesLeafOnly() throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory"));
        CgroupfsCgroups cg = new CgroupfsCgroups(List.of(memory));
        cg.create("/berth/sb");

        cg.remove("/berth/sb");
        cg.remove("/berth/sb");

        assertThat(memory.resolve("berth/sb")).doesNotExist();
        assertThat(memory.resolve("berth")).isDirectory();
        assertThat(cg.exists("/berth/sb")).isFalse();
    }

    @Test
    void inheritCpuset_emptyOwnValues_copiesParent() throws Exception {
        Path parent = Files.createDirectories(root.resolve("cpuset"));
        Files.writeString(parent.resolve("cpuset.cpus"), "0-1\n");
        Files.writeString(parent.resolve("cpuset.mems"), "0\n");
        Path child = Files.createDirectories(parent.resolve("pod"));
        Files.writeString(child.resolve("cpuset.cpus"), "\n");
        Files.writeString(child.resolve("cpuset.mems"), "");

        CgroupfsCgroups.inheritCpuset(child);

        assertThat(Files.readString(child.resolve("cpuset.cpus"))).isEqualTo("0-1");
        assertThat(Files.readString(child.resolve("cpuset.mems"))).isEqualTo("0");
    }
}

package dev.berth.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import org.junit.jupiter.api.Test;

class CgroupPathsTest {

    @Test
    void podParent_kubeletGaveParent_usesItNormalized() {
        assertThat(CgroupPaths.podParent("/kubepods//besteffort/pod1/", "/berth", "sb")).isEqualTo(
                "/kubepods/besteffort/pod1");
    }

    @Test
    void podParent_noKubeletParent_nestsSandboxUnderDefault() {
        assertThat(CgroupPaths.podParent("", "/berth", "sb")).isEqualTo("/berth/sb");
        assertThat(CgroupPaths.podParent("", "/", "sb")).isEqualTo("/sb");
    }

    @Test
    void container_always_appendsContainerId() {
        assertThat(CgroupPaths.container("/berth/sb", "c1")).isEqualTo("/berth/sb/c1");
    }

    @Test
    void container_escapingId_throws() {
        assertThatThrownBy(() -> CgroupPaths.container("/berth/sb", "..")).isInstanceOf(
                BerthException.InvalidArgument.class);
        assertThatThrownBy(() -> CgroupPaths.container("/berth/sb", "a/b")).isInstanceOf(
                BerthException.InvalidArgument.class);
        assertThatThrownBy(() -> CgroupPaths.podParent("/a/../b", "/berth", "x")).isInstanceOf(
                BerthException.InvalidArgument.class);
    }
}

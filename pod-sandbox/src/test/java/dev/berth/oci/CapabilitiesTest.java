package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    private static final Set<String> BOUNDING = Fixtures.BOUNDING;

    @Test
    void effective_noChanges_isContainerdDefaultSet() {
        assertThat(Capabilities.effective(false, List.of(), List.of(), BOUNDING))
                .containsExactlyElementsOf(Capabilities.DEFAULT);
    }

    @Test
    void effective_addAndDropShortNames_appliesBoth() {
        List<String> caps = Capabilities.effective(false, List.of("NET_ADMIN", "cap_sys_time"),
                List.of("chown", "CAP_KILL"), BOUNDING);

        assertThat(caps).contains("CAP_NET_ADMIN", "CAP_SYS_TIME").doesNotContain("CAP_CHOWN", "CAP_KILL");
    }

    @Test
    void effective_addAll_isBoundingSetWithoutSysResource() {
        List<String> caps = Capabilities.effective(false, List.of("ALL"), List.of(), BOUNDING);

        assertThat(caps).containsExactlyInAnyOrderElementsOf(BOUNDING).doesNotContain("CAP_SYS_RESOURCE");
    }

    @Test
    void effective_addAllDropOne_isAllButThatOne() {
        List<String> caps = Capabilities.effective(false, List.of("ALL"), List.of("CHOWN"), BOUNDING);

        assertThat(caps).hasSize(BOUNDING.size() - 1).doesNotContain("CAP_CHOWN");
    }

    @Test
    void effective_dropAllAddOne_isOnlyThatOne() {
        assertThat(Capabilities.effective(false, List.of("NET_BIND_SERVICE"), List.of("ALL"), BOUNDING))
                .containsExactly("CAP_NET_BIND_SERVICE");
    }

    @Test
    void effective_addSysResourceNotInBounding_isLeftOut() {
        assertThat(Capabilities.effective(false, List.of("SYS_RESOURCE"), List.of(), BOUNDING))
                .doesNotContain("CAP_SYS_RESOURCE");
    }

    @Test
    void effective_privileged_isExactlyBoundingSet() {
        assertThat(Capabilities.effective(true, List.of(), List.of("ALL"), BOUNDING))
                .containsExactlyInAnyOrderElementsOf(BOUNDING);
    }

    @Test
    void fromMask_lowBits_namesInKernelOrder() {
        assertThat(Capabilities.fromMask(0b1011)).containsExactlyInAnyOrder(
                "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER");
        assertThat(Capabilities.fromMask(1L << 24)).containsExactly("CAP_SYS_RESOURCE");
    }
}

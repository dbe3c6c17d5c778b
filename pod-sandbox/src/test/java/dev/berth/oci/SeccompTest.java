package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.cri.v1.SecurityProfile.ProfileType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeccompTest {

    private static final SecurityProfile DEFAULT = SecurityProfile.newBuilder()
            .setProfileType(ProfileType.RuntimeDefault).build();
    private static final SecurityProfile UNCONFINED = SecurityProfile.newBuilder()
            .setProfileType(ProfileType.Unconfined).build();
    private static final SecurityProfile LOCALHOST = SecurityProfile.newBuilder()
            .setProfileType(ProfileType.Localhost).setLocalhostRef("/etc/seccomp/x.json").build();

    private static ContainerConfig container(SecurityProfile profile) {
        LinuxContainerSecurityContext.Builder sc = LinuxContainerSecurityContext.newBuilder();
        if (profile != null) {
            sc.setSeccomp(profile);
        }
        return ContainerConfig.newBuilder().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc)).build();
    }

    private static PodSandboxConfig pod(SecurityProfile profile) {
        return PodSandboxConfig.newBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setSeccomp(profile))).build();
    }

    private static List<String> denied(ObjectNode seccomp, String action) {
        List<String> names = new ArrayList<>();
        for (JsonNode rule : seccomp.get("syscalls")) {
            if (rule.get("action").asText().equals("SCMP_ACT_ERRNO") && rule.get("errnoRet").asInt() == 1) {
                rule.get("names").forEach(n -> names.add(n.asText()));
            }
        }
        return names;
    }

    @Test
    void requested_containerProfile_winsOverThePods() {
        assertThat(Seccomp.requested(container(UNCONFINED), pod(DEFAULT))).contains(UNCONFINED);
    }

    @Test
    void requested_onlyThePodsProfile_isUsed() {
        assertThat(Seccomp.requested(container(null), pod(DEFAULT))).contains(DEFAULT);
    }

    @Test
    void requested_noProfileAnywhere_isEmpty() {
        assertThat(Seccomp.requested(container(null), PodSandboxConfig.getDefaultInstance())).isEmpty();
    }

    @Test
    void filter_noProfileOrUnconfined_none() {
        assertThat(Seccomp.filter(Optional.empty(), false, Set.of(), null)).isEmpty();
        assertThat(Seccomp.filter(Optional.of(UNCONFINED), false, Set.of(), null)).isEmpty();
    }

    @Test
    void filter_privileged_noneEvenForRuntimeDefault() {
        assertThat(Seccomp.filter(Optional.of(DEFAULT), true, Set.of(), null)).isEmpty();
    }

    @Test
    void runtimeDefault_withoutCapabilities_deniesMountKeyringsAndClock() {
        ObjectNode seccomp = Seccomp.filter(Optional.of(DEFAULT), false, Set.of("CAP_CHOWN"), null).orElseThrow();

        assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(denied(seccomp, "SCMP_ACT_ERRNO"))
                .contains("mount", "unshare", "setns", "keyctl", "add_key", "init_module", "reboot",
                        "clock_settime", "acct", "bpf")
                .doesNotContain("chmod", "read", "clone", "ptrace");
        assertThat(seccomp.toString()).contains("\"clone3\"").contains("\"errnoRet\":38");
    }

    @Test
    void runtimeDefault_withSysAdminAndSysTime_allowsWhatTheyUnlock() {
        ObjectNode seccomp = Seccomp.runtimeDefault(Set.of("CAP_SYS_ADMIN", "CAP_SYS_TIME"));

        assertThat(denied(seccomp, "SCMP_ACT_ERRNO"))
                .doesNotContain("mount", "unshare", "setns", "clock_settime", "settimeofday")
                .contains("keyctl", "init_module", "reboot");
        assertThat(seccomp.toString()).doesNotContain("clone3");
    }

    @Test
    void filter_localhostNotLoaded_namesTheField() {
        assertThatThrownBy(() -> Seccomp.filter(Optional.of(LOCALHOST), false, Set.of(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost_ref").hasMessageContaining("/etc/seccomp/x.json");
    }

    @Test
    void fromProfile_dockerFormat_archMapBecomesArchitectures() throws Exception {
        JsonNode profile = new ObjectMapper().readTree("""
                {"defaultAction": "SCMP_ACT_ERRNO",
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
                 "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "comment": "io",
                               "includes": {}}]}
                """);

        ObjectNode seccomp = Seccomp.filter(Optional.of(LOCALHOST), false, Set.of(), profile).orElseThrow();

        assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(seccomp.get("architectures").toString()).isEqualTo("[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]");
        assertThat(seccomp.get("syscalls").get(0).toString())
                .isEqualTo("{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}");
    }

    @Test
    void fromProfile_withoutDefaultAction_isInvalid() throws Exception {
        JsonNode notAProfile = new ObjectMapper().readTree("{\"syscalls\": []}");

        assertThatThrownBy(() -> Seccomp.fromProfile(notAProfile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localhost_ref");
    }
}

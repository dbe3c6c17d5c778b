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
import dev.berth.host.BerthException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeccompTest {

    private static final SecurityProfile DEFAULT = SecurityProfile.newBuilder()
            .setProfileType(ProfileType.RuntimeDefault).build();
    private static final SecurityProfile UNCONFINED = SecurityProfile.newBuilder()
            .setProfileType(ProfileType.Unconfined).build();
    private static final SecurityProfile LOCALHOST = SecurityProfile.newBuilder()
            .setProfileType(ProfileType.Localhost).setLocalhostRef("/etc/seccomp/x.json").build();
    /** What an unprivileged container gets when its config adds or drops nothing. */
    private static final Set<String> DEFAULT_CAPS = Set.copyOf(Capabilities.DEFAULT);
    private static final Set<String> ALL_CAPS = Capabilities.fromMask(-1L);
    /** Changes with every addition to or removal from seccomp-default.json; update it with the review. */
    private static final int EXPECTED_DEFAULT_COUNT = 364;

    private static final long SIGCHLD = 17;
    private static final long CLONE_NEWNS = 0x00020000;
    private static final long CLONE_NEWUSER = 0x10000000;
    /** The flags glibc's pthread_create passes to clone. */
    private static final long THREAD_FLAGS = 0x003d0f00;
    private static final long AF_INET = 2;
    private static final long AF_ALG = 38;
    private static final long AF_VSOCK = 40;

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

    private static Set<String> with(Set<String> caps, String cap) {
        Set<String> out = new HashSet<>(caps);
        out.add(cap);
        return out;
    }

    private static Set<String> without(Set<String> caps, String cap) {
        Set<String> out = new HashSet<>(caps);
        out.remove(cap);
        return out;
    }

    private static List<JsonNode> rules(JsonNode seccomp, String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rule : seccomp.get("syscalls")) {
            for (JsonNode n : rule.get("names")) {
                if (n.asText().equals(name)) {
                    out.add(rule);
                }
            }
        }
        return out;
    }

    /** Whether the filter lets the call through with these arguments, matching rules the way libseccomp does. */
    private static boolean allows(JsonNode seccomp, String name, long... args) {
        for (JsonNode rule : rules(seccomp, name)) {
            if (!rule.get("action").asText().equals("SCMP_ACT_ALLOW")) {
                continue;
            }
            boolean all = true;
            for (JsonNode check : rule.path("args")) {
                long arg = args[check.get("index").asInt()];
                long value = check.get("value").asLong();
                int cmp = Long.compareUnsigned(arg, value);
                all &= switch (check.get("op").asText()) {
                    case "SCMP_CMP_EQ" -> cmp == 0;
                    case "SCMP_CMP_NE" -> cmp != 0;
                    case "SCMP_CMP_LT" -> cmp < 0;
                    case "SCMP_CMP_LE" -> cmp <= 0;
                    case "SCMP_CMP_GT" -> cmp > 0;
                    case "SCMP_CMP_GE" -> cmp >= 0;
                    case "SCMP_CMP_MASKED_EQ" -> (arg & value) == check.get("valueTwo").asLong();
                    default -> throw new AssertionError("unknown op in " + check);
                };
            }
            if (all) {
                return true;
            }
        }
        return false;
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
        assertThat(Seccomp.filter(Optional.empty(), false, Set.of(), null, "amd64")).isEmpty();
        assertThat(Seccomp.filter(Optional.of(UNCONFINED), false, Set.of(), null, "amd64")).isEmpty();
    }

    @Test
    void filter_privileged_noneEvenForRuntimeDefault() {
        assertThat(Seccomp.filter(Optional.of(DEFAULT), true, Set.of(), null, "amd64")).isEmpty();
    }

    @Test
    void filter_runtimeDefault_isBerthsProfileForTheCapsAndArch() {
        ObjectNode seccomp = Seccomp.filter(Optional.of(DEFAULT), false, DEFAULT_CAPS, null, "aarch64").orElseThrow();

        assertThat(seccomp).isEqualTo(Seccomp.runtimeDefault(DEFAULT_CAPS, "aarch64"));
    }

    @Test
    void runtimeDefault_anyCapabilities_deniesTheRestWithEperm() {
        for (Set<String> caps : List.of(Set.<String>of(), DEFAULT_CAPS, ALL_CAPS)) {
            ObjectNode seccomp = Seccomp.runtimeDefault(caps, "amd64");

            assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
            assertThat(seccomp.get("defaultErrnoRet").asInt()).isEqualTo(1);
        }
    }

    @Test
    void runtimeDefault_defaultCapabilities_allowsWhatCommonProgramsCall() {
        ObjectNode seccomp = Seccomp.runtimeDefault(DEFAULT_CAPS, "amd64");

        assertThat(Seccomp.allowed(seccomp)).contains("read", "write", "openat", "execve", "epoll_wait", "futex",
                "clone", "exit_group", "socket", "accept4", "sendfile", "rt_sigreturn", "mmap", "mprotect",
                "arch_prctl", "rseq", "set_robust_list", "prlimit64", "getrandom", "statx", "faccessat2",
                "close_range", "epoll_pwait2", "membarrier", "memfd_create", "setuid", "capset", "pidfd_open",
                "chroot");
        assertThat(allows(seccomp, "clone", THREAD_FLAGS)).as("pthread_create's clone").isTrue();
        assertThat(allows(seccomp, "clone", SIGCHLD)).as("fork's clone").isTrue();
        assertThat(allows(seccomp, "socket", AF_INET, 1, 0)).isTrue();
    }

    @Test
    void runtimeDefault_defaultCapabilities_refusesKeyringsPtraceNamespacesAndMount() {
        ObjectNode seccomp = Seccomp.runtimeDefault(DEFAULT_CAPS, "amd64");

        assertThat(Seccomp.allowed(seccomp)).doesNotContain("keyctl", "add_key", "request_key", "ptrace",
                "process_vm_readv", "kcmp", "unshare", "setns", "mount", "umount2", "pivot_root", "fsopen",
                "move_mount", "bpf", "perf_event_open", "init_module", "reboot", "kexec_load", "settimeofday",
                "clock_settime", "acct", "iopl", "syslog", "mbind", "open_by_handle_at", "io_uring_setup",
                "userfaultfd", "clone3");
    }

    /** The capability-gated calls: refused without the capability, allowed with it. */
    static Stream<Arguments> gated() {
        return Stream.of(Arguments.of("CAP_SYS_ADMIN", "mount"), Arguments.of("CAP_SYS_ADMIN", "unshare"),
                Arguments.of("CAP_SYS_ADMIN", "setns"), Arguments.of("CAP_SYS_ADMIN", "mount_setattr"),
                Arguments.of("CAP_SYS_ADMIN", "swapon"), Arguments.of("CAP_SYS_ADMIN", "quotactl"),
                Arguments.of("CAP_SYS_PTRACE", "ptrace"), Arguments.of("CAP_SYS_PTRACE", "process_vm_writev"),
                Arguments.of("CAP_SYS_PTRACE", "kcmp"), Arguments.of("CAP_SYS_MODULE", "finit_module"),
                Arguments.of("CAP_SYS_BOOT", "reboot"), Arguments.of("CAP_SYS_BOOT", "kexec_file_load"),
                Arguments.of("CAP_SYS_TIME", "clock_settime"), Arguments.of("CAP_SYS_PACCT", "acct"),
                Arguments.of("CAP_SYS_RAWIO", "ioperm"), Arguments.of("CAP_SYSLOG", "syslog"),
                Arguments.of("CAP_SYS_NICE", "migrate_pages"), Arguments.of("CAP_DAC_READ_SEARCH", "open_by_handle_at"),
                Arguments.of("CAP_BPF", "bpf"), Arguments.of("CAP_PERFMON", "perf_event_open"),
                Arguments.of("CAP_SYS_CHROOT", "chroot"), Arguments.of("CAP_SYS_TTY_CONFIG", "vhangup"));
    }

    @ParameterizedTest
    @MethodSource("gated")
    void runtimeDefault_gatedCall_allowedOnlyWithItsCapability(String capability, String syscall) {
        Set<String> without = without(DEFAULT_CAPS, capability);

        assertThat(Seccomp.allowed(Seccomp.runtimeDefault(without, "amd64"))).doesNotContain(syscall);
        assertThat(Seccomp.allowed(Seccomp.runtimeDefault(with(without, capability), "amd64"))).contains(syscall);
    }

    @Test
    void runtimeDefault_neverAllowedCalls_refusedEvenWithEveryCapability() {
        for (String arch : List.of("amd64", "aarch64")) {
            assertThat(Seccomp.allowed(Seccomp.runtimeDefault(ALL_CAPS, arch)))
                    .doesNotContainAnyElementsOf(SeccompDefault.shipped().neverAllow())
                    .doesNotContain("keyctl", "add_key", "io_uring_setup", "userfaultfd", "lookup_dcookie");
        }
    }

    @Test
    void runtimeDefault_withoutSysAdmin_cloneOnlyWithoutNamespaceFlags() {
        ObjectNode seccomp = Seccomp.runtimeDefault(DEFAULT_CAPS, "amd64");

        assertThat(rules(seccomp, "clone")).singleElement().hasToString("{\"names\":[\"clone\"],"
                + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
                + "\"op\":\"SCMP_CMP_MASKED_EQ\"}]}");
        assertThat(allows(seccomp, "clone", CLONE_NEWNS | SIGCHLD)).isFalse();
        assertThat(allows(seccomp, "clone", CLONE_NEWUSER | THREAD_FLAGS)).isFalse();
    }

    @Test
    void runtimeDefault_withSysAdmin_cloneAndClone3WithoutConditions() {
        ObjectNode seccomp = Seccomp.runtimeDefault(with(DEFAULT_CAPS, "CAP_SYS_ADMIN"), "amd64");

        assertThat(rules(seccomp, "clone")).singleElement().satisfies(rule -> {
            assertThat(rule.has("args")).isFalse();
            assertThat(rule.get("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
        });
        assertThat(rules(seccomp, "clone3")).singleElement()
                .satisfies(rule -> assertThat(rule.get("action").asText()).isEqualTo("SCMP_ACT_ALLOW"));
        assertThat(allows(seccomp, "clone", CLONE_NEWNS | SIGCHLD)).isTrue();
    }

    @Test
    void runtimeDefault_withoutSysAdmin_clone3AnswersEnosys() {
        ObjectNode seccomp = Seccomp.runtimeDefault(DEFAULT_CAPS, "amd64");

        assertThat(rules(seccomp, "clone3")).singleElement().hasToString(
                "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}");
    }

    @Test
    void runtimeDefault_personality_onlyTheHarmlessPersonas() {
        ObjectNode seccomp = Seccomp.runtimeDefault(ALL_CAPS, "amd64");

        List<Long> personas = new ArrayList<>();
        for (JsonNode rule : rules(seccomp, "personality")) {
            assertThat(rule.get("args")).singleElement().satisfies(arg -> {
                assertThat(arg.get("index").asInt()).isZero();
                assertThat(arg.get("op").asText()).isEqualTo("SCMP_CMP_EQ");
                personas.add(arg.get("value").asLong());
            });
        }
        assertThat(personas).containsExactlyInAnyOrder(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);
        assertThat(allows(seccomp, "personality", 0x0400000L)).as("READ_IMPLIES_EXEC").isFalse();
        assertThat(allows(seccomp, "personality", 0x0040000L)).as("ADDR_NO_RANDOMIZE").isFalse();
    }

    @Test
    void runtimeDefault_socket_everyFamilyButAlgAndVsock() {
        ObjectNode seccomp = Seccomp.runtimeDefault(ALL_CAPS, "amd64");

        for (long family : new long[] {1, AF_INET, 10, 16, 17, 37, 39, 41, 45}) {
            assertThat(allows(seccomp, "socket", family, 1, 0)).as("family %d", family).isTrue();
        }
        assertThat(allows(seccomp, "socket", AF_ALG, 5, 0)).isFalse();
        assertThat(allows(seccomp, "socket", AF_VSOCK, 1, 0)).isFalse();
    }

    @Test
    void runtimeDefault_amd64_x86AbisAndTheirCalls() {
        ObjectNode seccomp = Seccomp.runtimeDefault(DEFAULT_CAPS, "amd64");

        assertThat(seccomp.get("architectures"))
                .hasToString("[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
        assertThat(Seccomp.allowed(seccomp)).contains("arch_prctl", "modify_ldt").doesNotContain("set_tls");
    }

    @Test
    void runtimeDefault_aarch64_armAbisAndTheirCalls() {
        ObjectNode seccomp = Seccomp.runtimeDefault(DEFAULT_CAPS, "aarch64");

        assertThat(seccomp.get("architectures")).hasToString("[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]");
        assertThat(Seccomp.allowed(seccomp)).contains("set_tls", "cacheflush").doesNotContain("arch_prctl");
    }

    @Test
    void runtimeDefault_unknownArch_failsNamingTheCoveredOnes() {
        // clone's flags are not its first argument everywhere (s390x): an unreviewed architecture gets no profile.
        assertThatThrownBy(() -> Seccomp.runtimeDefault(DEFAULT_CAPS, "s390x"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("s390x").hasMessageContaining("aarch64").hasMessageContaining("amd64");
        assertThatThrownBy(() -> Seccomp.filter(Optional.of(DEFAULT), false, DEFAULT_CAPS, null, null))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void runtimeDefault_unknownArchButUnconfined_noFilterNoError() {
        assertThat(Seccomp.filter(Optional.of(UNCONFINED), false, DEFAULT_CAPS, null, "s390x")).isEmpty();
    }

    @Test
    void runtimeDefault_anyCapsAndArch_namesEachCallInOneRuleOrInArgumentAlternatives() {
        for (Set<String> caps : List.of(Set.<String>of(), DEFAULT_CAPS, with(DEFAULT_CAPS, "CAP_SYS_ADMIN"),
                ALL_CAPS)) {
            for (String arch : List.of("amd64", "aarch64")) {
                Map<String, JsonNode> ruleOf = new HashMap<>();
                for (JsonNode rule : Seccomp.runtimeDefault(caps, arch).get("syscalls")) {
                    for (JsonNode n : rule.get("names")) {
                        JsonNode before = ruleOf.put(n.asText(), rule);
                        // Only the alternatives of one argument rule may share a name: same action, all with args.
                        if (before != null) {
                            assertThat(rule.has("args") && before.has("args")
                                    && rule.get("action").equals(before.get("action")))
                                    .as("%s named by %s and %s (%s, %s)", n, before, rule, caps, arch).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void runtimeDefault_defaultContainerOnAmd64_allowsTheReviewedNumberOfCalls() {
        assertThat(Seccomp.allowed(Seccomp.runtimeDefault(DEFAULT_CAPS, "amd64"))).hasSize(EXPECTED_DEFAULT_COUNT);
    }

    @Test
    void filter_localhostNotLoaded_namesTheField() {
        assertThatThrownBy(() -> Seccomp.filter(Optional.of(LOCALHOST), false, Set.of(), null, "amd64"))
                .isInstanceOf(BerthException.InvalidArgument.class)
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

        ObjectNode seccomp = Seccomp.filter(Optional.of(LOCALHOST), false, Set.of(), profile, "amd64").orElseThrow();

        assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(seccomp.get("architectures").toString()).isEqualTo("[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]");
        assertThat(seccomp.get("syscalls").get(0).toString())
                .isEqualTo("{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}");
    }

    @Test
    void fromProfile_withoutDefaultAction_isInvalid() throws Exception {
        JsonNode notAProfile = new ObjectMapper().readTree("{\"syscalls\": []}");

        assertThatThrownBy(() -> Seccomp.fromProfile(notAProfile))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("localhost_ref");
    }
}

package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeccompDefaultTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A small valid profile; each test breaks one rule of it. */
    private static final String VALID = """
            {"architectures": {"amd64": ["SCMP_ARCH_X86_64"]},
             "allow": [{"why": "io", "names": ["read", "write"]}],
             "allowByArch": {"amd64": {"names": ["arch_prctl"]}},
             "allowByCapability": {"CAP_SYS_ADMIN": {"names": ["mount", "clone"]}},
             "allowWithArgs": [{"names": ["clone"], "unlessCapability": "CAP_SYS_ADMIN",
                                "anyOf": [[{"index": 0, "op": "SCMP_CMP_MASKED_EQ", "value": "0xffffffffffffffff",
                                            "valueTwo": 0}]]}],
             "errno": [{"names": ["clone3"], "errnoRet": 38}],
             "neverAllow": [{"names": ["keyctl"]}]}
            """;

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    private static JsonNode valid(String field, String value) throws Exception {
        ObjectNode root = (ObjectNode) json(VALID);
        root.set(field, json(value));
        return root;
    }

    @Test
    void parse_validProfile_rendersEachGroup() throws Exception {
        ObjectNode seccomp = SeccompDefault.parse(json(VALID)).render(Set.of(), "amd64");

        assertThat(seccomp).hasToString("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
                + "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":["
                + "{\"names\":[\"arch_prctl\",\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                + "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                + "\"value\":18446744073709551615,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                + "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}");
    }

    @Test
    void parse_shippedProfile_isValid() {
        assertThat(SeccompDefault.load("seccomp-default.json").architectures()).containsOnlyKeys("amd64", "aarch64");
    }

    @Test
    void parse_nameBothAllowedAndRefused_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("neverAllow", "[{\"names\": [\"write\"]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("write is in both an allowing or errno "
                        + "group and neverAllow");
    }

    @Test
    void parse_nameTwiceInAllow_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allow",
                "[{\"names\": [\"read\"]}, {\"names\": [\"read\"]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read is listed twice in allow");
    }

    @Test
    void parse_argRuleForAnAlwaysAllowedName_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowWithArgs",
                "[{\"names\": [\"read\"], \"anyOf\": [[{\"index\": 0, \"op\": \"SCMP_CMP_EQ\", \"value\": 0}]]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read is in both allow");
    }

    @Test
    void parse_argRuleNotYieldingToTheCapabilityThatAllowsIt_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowWithArgs",
                "[{\"names\": [\"mount\"], \"anyOf\": [[{\"index\": 0, \"op\": \"SCMP_CMP_EQ\", \"value\": 0}]]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowByCapability.CAP_SYS_ADMIN");
    }

    @Test
    void parse_unknownCapability_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowByCapability",
                "{\"CAP_SYS_WIZARD\": {\"names\": [\"mount\"]}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CAP_SYS_WIZARD");
    }

    @Test
    void parse_archGroupWithoutArchitectures_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowByArch", "{\"riscv64\": {\"names\": [\"x\"]}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowByArch.riscv64");
    }

    @Test
    void parse_badArgumentCheck_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowWithArgs",
                "[{\"names\": [\"personality\"],"
                        + " \"anyOf\": [[{\"index\": 6, \"op\": \"SCMP_CMP_EQ\", \"value\": 0}]]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad argument check");
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowWithArgs",
                "[{\"names\": [\"personality\"],"
                        + " \"anyOf\": [[{\"index\": 0, \"op\": \"SCMP_CMP_EQ\", \"value\": -1}]]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an unsigned 64-bit value");
    }

    @Test
    void parse_misspeltGroup_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allowByCapabilities", "{}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown field allowByCapabilities");
    }

    @Test
    void parse_notASyscallName_rejected() throws Exception {
        assertThatThrownBy(() -> SeccompDefault.parse(valid("allow", "[{\"names\": [\"Read \"]}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a system call name");
    }

    @Test
    void render_capabilityHeld_argRuleYieldsToTheGroup() throws Exception {
        ObjectNode seccomp = SeccompDefault.parse(json(VALID)).render(Set.of("CAP_SYS_ADMIN"), "amd64");

        assertThat(seccomp.get("syscalls")).hasSize(2);
        assertThat(seccomp.at("/syscalls/0/names"))
                .hasToString("[\"arch_prctl\",\"clone\",\"mount\",\"read\",\"write\"]");
    }
}

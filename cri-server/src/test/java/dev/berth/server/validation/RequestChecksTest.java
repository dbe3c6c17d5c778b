package dev.berth.server.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.berth.cri.v1.DNSConfig;
import dev.berth.cri.v1.HugepageLimit;
import dev.berth.cri.v1.KeyValue;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.host.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestChecksTest {

    static Stream<Arguments> badResources() {
        LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
        return Stream.of(
                Arguments.of(r.clone().setMemoryLimitInBytes(-5), "r.memory_limit_in_bytes"),
                Arguments.of(r.clone().setCpuShares(-1), "r.cpu_shares"),
                Arguments.of(r.clone().setCpuShares(1), "r.cpu_shares"),
                Arguments.of(r.clone().setCpuShares(262_145), "r.cpu_shares"),
                Arguments.of(r.clone().setCpuPeriod(999), "r.cpu_period"),
                Arguments.of(r.clone().setCpuPeriod(1_000_001), "r.cpu_period"),
                Arguments.of(r.clone().setCpuQuota(999), "r.cpu_quota"),
                Arguments.of(r.clone().setCpuQuota(1L << 44), "r.cpu_quota"),
                Arguments.of(r.clone().setCpuPeriod(-100), "r.cpu_period"),
                Arguments.of(r.clone().setCpuQuota(-2), "r.cpu_quota"),
                Arguments.of(r.clone().setMemorySwapLimitInBytes(-2), "r.memory_swap_limit_in_bytes"),
                Arguments.of(r.clone().setMemoryLimitInBytes(64 << 20).setMemorySwapLimitInBytes(4096),
                        "r.memory_swap_limit_in_bytes"),
                Arguments.of(r.clone().setOomScoreAdj(1001), "r.oom_score_adj"),
                Arguments.of(r.clone().setCpusetCpus("0-a"), "r.cpuset_cpus"),
                Arguments.of(r.clone().setCpusetCpus("1,"), "r.cpuset_cpus"),
                Arguments.of(r.clone().setCpusetMems("0\n1"), "r.cpuset_mems"),
                Arguments.of(r.clone().addHugepageLimits(HugepageLimit.newBuilder().setPageSize("huge")),
                        "r.hugepage_limits[0].page_size"),
                Arguments.of(r.clone().putUnified("../../../etc/passwd", "x"), "r.unified"),
                Arguments.of(r.clone().putUnified("memory.high", "1\n2"), "r.unified[memory.high]"));
    }

    @ParameterizedTest
    @MethodSource("badResources")
    void resources_badValue_invalidNamingTheField(LinuxContainerResources.Builder resources, String field) {
        assertThatThrownBy(() -> RequestChecks.resources("r", resources.build()))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + " ").doesNotContain("\n");
                });
    }

    @Test
    void resources_whatKubeletSends_accepted() {
        assertThatCode(() -> RequestChecks.resources("r", LinuxContainerResources.newBuilder()
                .setCpuPeriod(100000).setCpuQuota(-1).setCpuShares(2).setMemoryLimitInBytes(64 << 20)
                .setMemorySwapLimitInBytes(64 << 20).setOomScoreAdj(-997).setCpusetCpus("0-1,3").setCpusetMems("0")
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("1GB").setLimit(0))
                .putUnified("memory.high", "max").build())).doesNotThrowAnyException();
    }

    @Test
    void dns_newlineInAServer_invalidNamingIt() {
        assertThatThrownBy(() -> RequestChecks.dns("config.dns_config",
                DNSConfig.newBuilder().addServers("10.0.0.10").addServers("1.1.1.1\nnameserver 6.6.6.6").build()))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("config.dns_config.servers[1]"));
    }

    @Test
    void word_hostnameWithNewline_invalidAndShownEscaped() {
        assertThatThrownBy(() -> RequestChecks.word("config.hostname", "web\n10.0.0.1 evil"))
                .hasMessage("config.hostname must not contain whitespace or control characters: "
                        + "\"web\\x0a10.0.0.1 evil\"");
    }

    @Test
    void relativeFile_logPaths() {
        for (String bad : new String[] {".", "..", "a/../..", "/abs.log", "dir/", "a//b", "x".repeat(256)}) {
            assertThatThrownBy(() -> RequestChecks.relativeFile("config.log_path", bad)).as(bad)
                    .isInstanceOf(BerthException.InvalidArgument.class);
        }
        assertThatCode(() -> RequestChecks.relativeFile("config.log_path", "app/0.log")).doesNotThrowAnyException();
    }

    @Test
    void absolute_relativeWorkingDir_invalid() {
        assertThatThrownBy(() -> RequestChecks.absolute("config.working_dir", "srv"))
                .hasMessageStartingWith("config.working_dir must be an absolute path");
    }

    @Test
    void resources_kernelBounds_accepted() {
        assertThatCode(() -> RequestChecks.resources("r", LinuxContainerResources.newBuilder()
                .setCpuPeriod(1_000).setCpuQuota(1_000).setCpuShares(262_144).setMemoryLimitInBytes(64 << 20)
                .setMemorySwapLimitInBytes(-1).build())).doesNotThrowAnyException();
        assertThatCode(() -> RequestChecks.resources("r", LinuxContainerResources.newBuilder()
                .setCpuPeriod(1_000_000).setCpuQuota((1L << 44) - 1).build())).doesNotThrowAnyException();
    }

    @Test
    void hostname_notRfc1123_invalid() {
        for (String bad : new String[] {"-a", "a-", "a_b", "a b", "a.", ".a", "a..b", "ü", "a\nb"}) {
            assertThatThrownBy(() -> RequestChecks.hostname("config.hostname", bad))
                    .as(bad).hasMessageStartingWith("config.hostname must be a hostname");
        }
    }

    @Test
    void hostname_namesAndEmpty_accepted() {
        for (String good : new String[] {"", "a", "web-0", "Web-0.nginx.default.svc", "1.2.3.4", "x".repeat(63)}) {
            assertThatCode(() -> RequestChecks.hostname("config.hostname", good)).as(good)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void cgroupPath_dotDotOrControlCharacters_invalid() {
        for (String bad : new String[] {"/kubepods/../x", "..", "/a/./b", "/a\nb"}) {
            assertThatThrownBy(() -> RequestChecks.cgroupPath("config.linux.cgroup_parent", bad)).as(bad)
                    .hasMessageStartingWith("config.linux.cgroup_parent must not");
        }
        assertThatCode(() -> RequestChecks.cgroupPath("c", "/kubepods/burstable/pod1234")).doesNotThrowAnyException();
        assertThatCode(() -> RequestChecks.cgroupPath("c", "")).doesNotThrowAnyException();
    }

    @Test
    void environment_equalsOrNulInNameOrNulInValue_invalidNamingTheEntry() {
        assertThatThrownBy(() -> RequestChecks.environment("config.envs", List.of(env("A", "1"), env("B=C", "2"))))
                .hasMessageStartingWith("config.envs[1].key must not contain");
        assertThatThrownBy(() -> RequestChecks.environment("config.envs", List.of(env("nul\0", "1"))))
                .hasMessageStartingWith("config.envs[0].key must not contain");
        assertThatThrownBy(() -> RequestChecks.environment("config.envs", List.of(env("A", "x\0y"))))
                .hasMessageStartingWith("config.envs[0].value must not contain NUL");
    }

    @Test
    void environment_whatKubeletSends_accepted() {
        assertThatCode(() -> RequestChecks.environment("config.envs", List.of(env("PATH", "/bin:/usr/bin"),
                env("EMPTY", ""), env("JSON", "{\"a\":\"b=c\"}"), env("UNICODE", "ünï")))).doesNotThrowAnyException();
    }

    private static KeyValue env(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8(value)).build();
    }

    @Test
    void cniArg_separatorsOrControlCharacters_invalid() {
        for (String bad : new String[] {"a=b", "a;b", "a\nb"}) {
            assertThatThrownBy(() -> RequestChecks.cniArg("config.metadata.name", bad)).as(bad)
                    .hasMessageStartingWith("config.metadata.name must not contain");
        }
        assertThatCode(() -> RequestChecks.cniArg("c", "web-0.nginx")).doesNotThrowAnyException();
        assertThatCode(() -> RequestChecks.cniArg("c", "5c3e0a7e-1b7f-4b4e-9c33-0e5b4a1f2d10"))
                .doesNotThrowAnyException();
    }

    @Test
    void ipAddress_literals_acceptedAndOthersInvalid() {
        for (String good : new String[] {"0.0.0.0", "10.1.2.255", "::", "::1", "fd00::1:2", "::ffff:10.0.0.1"}) {
            assertThatCode(() -> RequestChecks.ipAddress("f", good)).as(good).doesNotThrowAnyException();
        }
        for (String bad : new String[] {"256.1.1.1", "1.2.3", "localhost", "example.com", "a=b", "1.2.3.4\n", ":::"}) {
            assertThatThrownBy(() -> RequestChecks.ipAddress("f", bad)).as(bad)
                    .hasMessageStartingWith("f must be an IP address");
        }
    }

    @Test
    void id_outsideTheKernelsRange_invalid() {
        for (long bad : new long[] {-1, 0xFFFF_FFFFL, Long.MAX_VALUE}) {
            assertThatThrownBy(() -> RequestChecks.id("run_as_user.value", bad)).as("" + bad)
                    .hasMessageStartingWith("run_as_user.value must be an id");
        }
        assertThatCode(() -> RequestChecks.id("f", 0)).doesNotThrowAnyException();
        assertThatCode(() -> RequestChecks.id("f", 65534)).doesNotThrowAnyException();
    }

    @Test
    void hostDirectory_fileInTheWayOrOverlongName_invalid(@TempDir Path tmp) throws java.io.IOException {
        Path file = Files.createFile(tmp.resolve("file"));

        assertThatThrownBy(() -> RequestChecks.hostDirectory("config.log_directory", file.toString()))
                .hasMessageStartingWith("config.log_directory cannot be a directory");
        assertThatThrownBy(() -> RequestChecks.hostDirectory("config.log_directory", file + "/below/it"))
                .hasMessageStartingWith("config.log_directory cannot be a directory");
        assertThatThrownBy(() -> RequestChecks.hostDirectory("config.log_directory", tmp + "/" + "x".repeat(256)))
                .hasMessageStartingWith("config.log_directory has a name longer than 255 bytes");
        assertThatThrownBy(() -> RequestChecks.hostDirectory("config.log_directory", "relative"))
                .hasMessageStartingWith("config.log_directory must be an absolute path");
    }

    @Test
    void hostDirectory_existingOrMakeable_accepted(@TempDir Path tmp) {
        assertThatCode(() -> RequestChecks.hostDirectory("f", tmp.toString())).doesNotThrowAnyException();
        assertThatCode(() -> RequestChecks.hostDirectory("f", tmp + "/pods/ns_name_uid")).doesNotThrowAnyException();
        assertThat(tmp.resolve("pods")).as("nothing made").doesNotExist();
    }
}

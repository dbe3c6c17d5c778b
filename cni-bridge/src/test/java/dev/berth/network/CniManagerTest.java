package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.host.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniManagerTest {

    private static final String CHAIN = """
            {"cniVersion":"1.0.0","name":"testnet","plugins":[
              {"type":"first","bridge":"cni0"},
              {"type":"second","capabilities":{"portMappings":true}}]}""";
    private static final String SECOND_RESULT = """
            {"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/x"}],
             "ips":[{"address":"10.88.0.9/16","interface":0}]}""";

    @TempDir
    Path tmp;
    Path confDir;
    Path cacheDir;
    Path netns;
    FakePlugins plugins;
    CniManager manager;

    @BeforeEach
    void setUp() throws IOException {
        confDir = Files.createDirectories(tmp.resolve("net.d"));
        cacheDir = tmp.resolve("cache");
        netns = Files.createFile(tmp.resolve("netns-file"));
        plugins = new FakePlugins(tmp);
        plugins.succeeding("loopback", "{\"cniVersion\":\"0.3.1\",\"interfaces\":[{\"name\":\"lo\"}]}")
                .succeeding("first", FakePlugins.RESULT_1_0)
                .succeeding("second", SECOND_RESULT);
        manager = new CniManager(new CniSettings(confDir, List.of(tmp.resolve("absent"), plugins.binDir), cacheDir),
                Duration.ofSeconds(20));
    }

    private PodNetworkRequest request(String id, List<PortMapping> ports) {
        return new PodNetworkRequest(id, netns.toString(), "web", "default", "uid-1", ports);
    }

    private void writeChain() throws IOException {
        Files.writeString(confDir.resolve("10-test.conflist"), CHAIN);
    }

    @Test
    void status_noConfDir_notReadyNamingConfDir() throws IOException {
        Files.delete(confDir);

        NetworkStatus status = manager.status();

        assertThat(status.ready()).isFalse();
        assertThat(status.reason()).isEqualTo("NetworkPluginNotReady");
        assertThat(status.message()).contains(confDir.toString());
    }

    @Test
    void status_onlyInvalidConfig_notReadyWithSkipReason() throws IOException {
        Files.writeString(confDir.resolve("00-bad.conflist"), "{not json");

        NetworkStatus status = manager.status();

        assertThat(status.ready()).isFalse();
        assertThat(status.message()).contains("00-bad.conflist").contains("invalid JSON");
    }

    @Test
    void status_pluginBinaryMissing_notReadyNamingPlugin() throws IOException {
        Files.writeString(confDir.resolve("10-x.conflist"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"nosuchplugin\"}]}");

        NetworkStatus status = manager.status();

        assertThat(status.ready()).isFalse();
        assertThat(status.message()).contains("nosuchplugin");
    }

    @Test
    void status_configAppearsLater_becomesReady() throws IOException {
        assertThat(manager.status().ready()).isFalse();

        writeChain();

        assertThat(manager.status()).isEqualTo(new NetworkStatus(true, "", ""));
    }

    @Test
    void status_configFileChanged_rereadsIt() throws IOException {
        writeChain();
        assertThat(manager.status().ready()).isTrue();
        Path file = confDir.resolve("10-test.conflist");
        Files.writeString(file, CHAIN.replace("\"second\"", "\"gone\""));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

        assertThat(manager.status().message()).contains("gone");
    }

    @Test
    void attach_noConfig_throwsNotReady() {
        assertThatThrownBy(() -> manager.attach(request("sb1", List.of())))
                .isInstanceOf(BerthException.FailedPrecondition.class);
    }

    @Test
    void attach_chain_runsLoopbackThenPluginsInOrderAndReturnsEth0Ips() throws IOException {
        writeChain();

        PodNetwork network = manager.attach(request("sb1", List.of()));

        assertThat(plugins.calls()).containsExactly("loopback ADD lo", "first ADD eth0", "second ADD eth0");
        assertThat(network.networkName()).isEqualTo("testnet");
        assertThat(network.interfaceName()).isEqualTo("eth0");
        assertThat(network.ips()).containsExactly("10.88.0.9");
        assertThat(Json.MAPPER.readTree(network.resultJson())).isEqualTo(Json.MAPPER.readTree(SECOND_RESULT));
    }

    @Test
    void attach_chain_passesCniEnvironment() throws IOException {
        writeChain();

        manager.attach(request("sb1", List.of()));

        assertThat(plugins.env("first", "ADD")).contains(
                "CNI_COMMAND=ADD\n",
                "CNI_CONTAINERID=sb1\n",
                "CNI_NETNS=" + netns + "\n",
                "CNI_IFNAME=eth0\n",
                "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;"
                        + "K8S_POD_INFRA_CONTAINER_ID=sb1;K8S_POD_UID=uid-1\n",
                "CNI_PATH=" + tmp.resolve("absent") + ":" + plugins.binDir + "\n");
        assertThat(plugins.env("loopback", "ADD")).contains("CNI_IFNAME=lo\n");
    }

    @Test
    void attach_chain_chainsPrevResultAndInjectsNameAndVersion() throws IOException {
        writeChain();

        manager.attach(request("sb1", List.of()));

        JsonNode first = Json.MAPPER.readTree(plugins.stdin("first", "ADD"));
        JsonNode second = Json.MAPPER.readTree(plugins.stdin("second", "ADD"));
        assertThat(first.has("prevResult")).isFalse();
        assertThat(first.path("name").asText()).isEqualTo("testnet");
        assertThat(first.path("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(first.path("bridge").asText()).isEqualTo("cni0");
        assertThat(second.get("prevResult")).isEqualTo(Json.MAPPER.readTree(FakePlugins.RESULT_1_0));
    }

    @Test
    void attach_portMappings_injectedOnlyIntoCapablePluginAndOnlyPublished() throws IOException {
        writeChain();
        List<PortMapping> ports = List.of(new PortMapping("TCP", 80, 8080, ""),
                new PortMapping("udp", 53, 0, ""), new PortMapping("udp", 54, 5354, "127.0.0.1"));

        manager.attach(request("sb1", ports));

        JsonNode first = Json.MAPPER.readTree(plugins.stdin("first", "ADD"));
        JsonNode second = Json.MAPPER.readTree(plugins.stdin("second", "ADD"));
        assertThat(first.has("runtimeConfig")).isFalse();
        assertThat(second.path("runtimeConfig").path("portMappings")).isEqualTo(Json.MAPPER.readTree("""
                [{"hostPort":8080,"containerPort":80,"protocol":"tcp"},
                 {"hostPort":5354,"containerPort":54,"protocol":"udp","hostIP":"127.0.0.1"}]"""));
    }

    @Test
    void attach_success_cachesAttachment() throws IOException {
        writeChain();

        manager.attach(request("sb1", List.of()));

        assertThat(cacheDir.resolve("testnet-sb1-eth0.json")).exists();
        assertThat(manager.cachedSandboxIds()).containsExactly("sb1");
    }

    @Test
    void attach_pluginFailsAdd_delsWholeListInReverseAndLoopbackAndThrows() throws IOException {
        writeChain();
        plugins.failingAdd("second");

        assertThatThrownBy(() -> manager.attach(request("sb1", List.of())))
                .isInstanceOfSatisfying(BerthException.Failed.class, e -> {
                    assertThat(e.getMessage()).contains("second", "ADD", "exit 1", "CNI error 7", "boom on add",
                            "some details", "plugin stderr text");
                });

        assertThat(plugins.calls()).containsExactly("loopback ADD lo", "first ADD eth0", "second ADD eth0",
                "second DEL eth0", "first DEL eth0", "loopback DEL lo");
        assertThat(manager.cachedSandboxIds()).isEmpty();
        assertThat(cacheDir.resolve("testnet-sb1-eth0.json")).doesNotExist();
    }

    @Test
    void attach_cacheUnwritable_failsBeforeAttachingAnything() throws IOException {
        writeChain();
        Files.writeString(cacheDir, "a file where the cache dir should be");

        assertThatThrownBy(() -> manager.attach(request("sb1", List.of())))
                .hasMessageContaining("cannot cache");

        assertThat(plugins.calls()).containsExactly("loopback ADD lo", "loopback DEL lo");
    }

    @Test
    void attach_blankNetns_rejected() throws IOException {
        writeChain();

        assertThatThrownBy(() -> manager.attach(new PodNetworkRequest("sb1", "", "p", "n", "u", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(plugins.calls()).isEmpty();
    }

    @Test
    void detach_attached_delsInReverseWithCachedResultAndRemovesCache() throws IOException {
        writeChain();
        manager.attach(request("sb1", List.of(new PortMapping("tcp", 80, 8080, ""))));
        // the current config changing must not change what DEL sees
        Files.writeString(confDir.resolve("10-test.conflist"), CHAIN.replace("cni0", "other0"));
        plugins.clearCalls();

        manager.detach(request("sb1", List.of()));

        assertThat(plugins.calls()).containsExactly("second DEL eth0", "first DEL eth0", "loopback DEL lo");
        JsonNode firstDel = Json.MAPPER.readTree(plugins.stdin("first", "DEL"));
        JsonNode secondDel = Json.MAPPER.readTree(plugins.stdin("second", "DEL"));
        assertThat(firstDel.get("prevResult")).isEqualTo(Json.MAPPER.readTree(SECOND_RESULT));
        assertThat(firstDel.path("bridge").asText()).isEqualTo("cni0");
        assertThat(secondDel.path("runtimeConfig").path("portMappings").get(0).path("hostPort").asInt())
                .isEqualTo(8080);
        assertThat(manager.cachedSandboxIds()).isEmpty();
    }

    @Test
    void detach_twice_secondFallsBackToCurrentConfigAndSucceeds() throws IOException {
        writeChain();
        manager.attach(request("sb1", List.of()));
        manager.detach(request("sb1", List.of()));
        plugins.clearCalls();

        manager.detach(request("sb1", List.of()));

        assertThat(plugins.calls()).containsExactly("second DEL eth0", "first DEL eth0", "loopback DEL lo");
        assertThat(Json.MAPPER.readTree(plugins.stdin("first", "DEL")).has("prevResult")).isFalse();
    }

    @Test
    void detach_neverAttachedAndNoConfig_succeedsWithLoopbackOnly() throws IOException {
        manager.detach(request("nothing", List.of()));

        assertThat(plugins.calls()).containsExactly("loopback DEL lo");
    }

    @Test
    void detach_netnsGone_passesEmptyNetns() throws IOException {
        writeChain();
        manager.attach(request("sb1", List.of()));
        Files.delete(netns);

        manager.detach(request("sb1", List.of()));

        assertThat(plugins.env("first", "DEL")).contains("CNI_NETNS=\n");
        assertThat(plugins.env("loopback", "DEL")).contains("CNI_NETNS=\n");
    }

    @Test
    void detach_pluginFailsDel_runsRemainingPluginsKeepsCacheAndThrows() throws IOException {
        writeChain();
        manager.attach(request("sb1", List.of()));
        plugins.failingDel("second", SECOND_RESULT);
        plugins.clearCalls();

        assertThatThrownBy(() -> manager.detach(request("sb1", List.of())))
                .isInstanceOfSatisfying(BerthException.class,
                        e -> assertThat(e.getMessage()).contains("second", "DEL", "CNI error 11", "boom on del"));

        assertThat(plugins.calls()).containsExactly("second DEL eth0", "first DEL eth0", "loopback DEL lo");
        assertThat(manager.cachedSandboxIds()).containsExactly("sb1");
    }

    @Test
    void detach_olderConfigVersion_omitsPrevResultOnDel() throws IOException {
        Files.writeString(confDir.resolve("10-old.conf"),
                "{\"cniVersion\":\"0.3.1\",\"name\":\"old\",\"type\":\"first\"}");
        manager.attach(request("sb1", List.of()));

        manager.detach(request("sb1", List.of()));

        assertThat(Json.MAPPER.readTree(plugins.stdin("first", "DEL")).has("prevResult")).isFalse();
    }

    @Test
    void check_attached_runsCheckInOrderWithCachedResult() throws IOException {
        writeChain();
        manager.attach(request("sb1", List.of()));
        plugins.clearCalls();

        boolean ok = manager.check(request("sb1", List.of()));

        assertThat(ok).isTrue();
        assertThat(plugins.calls()).containsExactly("first CHECK eth0", "second CHECK eth0");
        assertThat(Json.MAPPER.readTree(plugins.stdin("first", "CHECK")).get("prevResult"))
                .isEqualTo(Json.MAPPER.readTree(SECOND_RESULT));
    }

    @Test
    void check_pluginReportsProblem_false() throws IOException {
        writeChain();
        manager.attach(request("sb1", List.of()));
        plugins.failingCheck("first", FakePlugins.RESULT_1_0);

        assertThat(manager.check(request("sb1", List.of()))).isFalse();
    }

    @Test
    void check_notAttached_false() throws IOException {
        writeChain();

        assertThat(manager.check(request("sb1", List.of()))).isFalse();
    }

    @Test
    void cachedSandboxIds_twoAttached_listsBothSorted() throws IOException {
        writeChain();
        manager.attach(request("zeta", List.of()));
        manager.attach(request("alpha", List.of()));

        assertThat(manager.cachedSandboxIds()).containsExactly("alpha", "zeta");
    }

    @Test
    void attachDetach_manySandboxesConcurrently_allCachedThenAllRemoved() throws Exception {
        writeChain();
        List<String> ids = java.util.stream.IntStream.range(0, 8).mapToObj(i -> "pod" + i).toList();

        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (var f : executor.invokeAll(ids.stream()
                    .map(id -> (java.util.concurrent.Callable<PodNetwork>) () -> manager.attach(request(id, List.of())))
                    .toList())) {
                assertThat(f.get().ips()).containsExactly("10.88.0.9");
            }
            assertThat(manager.cachedSandboxIds()).containsExactlyInAnyOrderElementsOf(ids);
            for (var f : executor.invokeAll(ids.stream()
                    .map(id -> (java.util.concurrent.Callable<Void>) () -> {
                        manager.detach(request(id, List.of()));
                        return null;
                    })
                    .toList())) {
                f.get();
            }
        }

        assertThat(manager.cachedSandboxIds()).isEmpty();
    }

    @Test
    void attach_firstConfigByFileName_isUsed() throws IOException {
        Files.writeString(confDir.resolve("20-later.conflist"), CHAIN.replace("testnet", "later"));
        Files.writeString(confDir.resolve("05-early.conf"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"early\",\"type\":\"second\"}");

        PodNetwork network = manager.attach(request("sb1", List.of()));

        assertThat(network.networkName()).isEqualTo("early");
        assertThat(plugins.calls()).containsExactly("loopback ADD lo", "second ADD eth0");
    }

    @Test
    void writeDefaultConfig_emptyDir_writesLoadableBridgeList() throws IOException {
        boolean written = CniManager.writeDefaultConfig(confDir, "berth0", "10.88.0.0/16");

        assertThat(written).isTrue();
        NetworkConfigList list = ConfigLoader.parse(
                Files.readString(confDir.resolve("10-berth-bridge.conflist")), "10-berth-bridge.conflist");
        assertThat(list.name()).isEqualTo("berth");
        assertThat(list.cniVersion()).isEqualTo("1.0.0");
        assertThat(list.pluginTypes()).containsExactly("bridge", "portmap");
        JsonNode bridge = list.plugins().get(0);
        assertThat(bridge.path("bridge").asText()).isEqualTo("berth0");
        assertThat(bridge.path("isGateway").asBoolean()).isTrue();
        assertThat(bridge.path("ipMasq").asBoolean()).isTrue();
        assertThat(bridge.path("hairpinMode").asBoolean()).isTrue();
        assertThat(bridge.path("ipam").path("type").asText()).isEqualTo("host-local");
        assertThat(bridge.path("ipam").path("ranges").get(0).get(0).path("subnet").asText()).isEqualTo("10.88.0.0/16");
        assertThat(bridge.path("ipam").path("routes").get(0).path("dst").asText()).isEqualTo("0.0.0.0/0");
        assertThat(list.plugins().get(1).path("capabilities").path("portMappings").asBoolean()).isTrue();
    }

    @Test
    void writeDefaultConfig_configPresent_writesNothing() throws IOException {
        writeChain();

        assertThat(CniManager.writeDefaultConfig(confDir, "berth0", "10.88.0.0/16")).isFalse();
        assertThat(confDir.resolve("10-berth-bridge.conflist")).doesNotExist();
    }

    @Test
    void writeDefaultConfig_badBridgeName_rejected() {
        assertThatThrownBy(() -> CniManager.writeDefaultConfig(confDir, "a-name-longer-than-15", "10.88.0.0/16"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

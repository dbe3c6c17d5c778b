package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.host.BerthException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attaches real network namespaces with the distribution's CNI plugins (bridge, host-local, portmap, loopback). */
class CniManagerIT {

    private static final Path SYSTEM_PLUGINS = Path.of("/usr/lib/cni");
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");
    private static final String SUBNET_PREFIX = "10.234.0.";

    @TempDir
    Path tmp;
    String suffix;
    String bridge;
    String networkName;
    Path dataDir;
    CniSettings settings;
    final List<String> namespaces = new ArrayList<>();
    Set<String> natChainsBefore;
    String ipForwardBefore;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Host.isRoot(), "needs root");
        assumeTrue(Files.isExecutable(SYSTEM_PLUGINS.resolve("bridge")), "needs containernetworking-plugins");
        suffix = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        bridge = "berthit" + suffix;
        networkName = "berthit-" + suffix;
        dataDir = tmp.resolve("ipam");
        natChainsBefore = natChains();
        ipForwardBefore = Files.readString(IP_FORWARD).strip();
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10-berthit.conflist"), networkConfig(true, ""));
        settings = new CniSettings(confDir, List.of(SYSTEM_PLUGINS), tmp.resolve("cache"));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (settings != null) {
            cleanUpHost();
        }
    }

    @Test
    void attachDetach_realPlugins_podReachableAndNothingLeaks() throws IOException {
        CniManager manager = new CniManager(settings, Duration.ofSeconds(60));
        assertThat(manager.status().ready()).as(manager.status().message()).isTrue();
        String ns = newNetns();
        PodNetworkRequest pod = new PodNetworkRequest("berthitpod" + suffix, "/run/netns/" + ns, "web", "it",
                "uid-" + suffix, List.of(new PortMapping("tcp", 80, 18000 + ThreadLocalRandom.current().nextInt(1000), "")));

        PodNetwork network = manager.attach(pod);

        assertThat(network.networkName()).isEqualTo(networkName);
        assertThat(network.ips()).singleElement().asString().startsWith(SUBNET_PREFIX);
        String ip = network.primaryIp();
        assertThat(Host.run("ip", "netns", "exec", ns, "ip", "-o", "-4", "addr", "show", "dev", "eth0").output())
                .contains(" " + ip + "/24");
        assertThat(Host.run("ip", "netns", "exec", ns, "ip", "-o", "link", "show", "lo").output()).contains("UP");
        assertThat(Host.run("ping", "-c1", "-W2", ip).ok()).as("ping %s", ip).isTrue();
        assertThat(iptablesSave()).as("portmap and ipMasq rules").contains(pod.sandboxId());
        assertThat(allocations()).hasSize(1);
        assertThat(manager.cachedSandboxIds()).containsExactly(pod.sandboxId());

        attach_failingPluginInChain_leavesNothing(network);

        manager.detach(pod);
        manager.detach(pod);

        assertThat(manager.cachedSandboxIds()).isEmpty();
        assertThat(Host.run("ip", "netns", "exec", ns, "ip", "link", "show", "eth0").ok()).isFalse();
        assertThat(vethsOnBridge()).isEmpty();
        assertThat(allocations()).isEmpty();
        assertThat(iptablesSave()).doesNotContain(pod.sandboxId()).doesNotContain(SUBNET_PREFIX);
        assertThat(Host.run("ping", "-c1", "-W1", ip).ok()).isFalse();

        cleanUpHost();

        assertThat(Host.run("ip", "netns", "list").output()).doesNotContain("berth-it-" + suffix);
        assertThat(Host.run("ip", "link", "show", bridge).ok()).isFalse();
        // other runtimes and tests on the machine may add chains meanwhile: what must be gone is every rule of
        // this test's network, pod and subnet (the plugins' chains are reached only through those)
        assertThat(iptablesSave()).doesNotContain(SUBNET_PREFIX).doesNotContain(networkName)
                .doesNotContain(pod.sandboxId());
    }

    // portmap 1.1.1's CHECK always looks for an IPv6 DNAT chain that ADD never made for an IPv4-only pod,
    // so CHECK is exercised with bridge alone.
    @Test
    void check_bridgeOnlyNetwork_trueUntilPodInterfaceAltered() throws IOException {
        Path confDir = Files.createDirectories(tmp.resolve("net.d-check"));
        Files.writeString(confDir.resolve("10-check.conflist"),
                networkConfig(false, ""));
        CniManager manager = new CniManager(
                new CniSettings(confDir, List.of(SYSTEM_PLUGINS), tmp.resolve("cache")), Duration.ofSeconds(60));
        String ns = newNetns();
        PodNetworkRequest pod = new PodNetworkRequest("berthitchk" + suffix, "/run/netns/" + ns, "c", "it", "u", null);
        manager.attach(pod);

        assertThat(manager.check(pod)).isTrue();

        // a changed MAC makes CHECK fail but leaves DEL its addresses, which bridge needs to undo ipMasq
        assertThat(Host.run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "address", "02:42:de:ad:be:ef")
                .ok()).isTrue();
        assertThat(manager.check(pod)).isFalse();

        manager.detach(pod);
        cleanUpHost();
        assertThat(manager.cachedSandboxIds()).isEmpty();
        assertThat(allocations()).isEmpty();
        assertThat(Host.run("ip", "link", "show", bridge).ok()).isFalse();
        assertThat(iptablesSave()).doesNotContain(SUBNET_PREFIX).doesNotContain(pod.sandboxId());
    }

    // A chain whose last plugin fails ADD must be rolled back completely, while another pod stays attached.
    private void attach_failingPluginInChain_leavesNothing(PodNetwork other) throws IOException {
        Path failBin = Files.createDirectories(tmp.resolve("failbin"));
        Path failing = failBin.resolve("failadd");
        Files.writeString(failing, """
                #!/bin/sh
                cat >/dev/null
                if [ "$CNI_COMMAND" = ADD ]; then
                  echo '{"cniVersion":"1.0.0","code":999,"msg":"injected failure"}'
                  exit 1
                fi
                exit 0
                """);
        assertThat(failing.toFile().setExecutable(true)).isTrue();
        Path confDir = Files.createDirectories(tmp.resolve("net.d-fail"));
        Files.writeString(confDir.resolve("10-fail.conflist"), networkConfig(true, ",{\"type\":\"failadd\"}"));
        CniManager failingManager = new CniManager(
                new CniSettings(confDir, List.of(failBin, SYSTEM_PLUGINS), tmp.resolve("cache")), Duration.ofSeconds(60));
        String ns = newNetns();
        PodNetworkRequest pod = new PodNetworkRequest("berthitfail" + suffix, "/run/netns/" + ns, "bad", "it",
                "uid-f", List.of(new PortMapping("tcp", 80, 19000 + ThreadLocalRandom.current().nextInt(1000), "")));
        List<String> vethsBefore = vethsOnBridge();

        assertThatThrownBy(() -> failingManager.attach(pod))
                .isInstanceOfSatisfying(BerthException.Failed.class, e -> {
                    assertThat(e.getMessage()).contains("failadd", "999", "injected failure");
                });

        assertThat(Host.run("ip", "netns", "exec", ns, "ip", "link", "show", "eth0").ok()).isFalse();
        assertThat(vethsOnBridge()).isEqualTo(vethsBefore).hasSize(1);
        assertThat(allocations()).hasSize(1);
        assertThat(iptablesSave()).doesNotContain(pod.sandboxId());
        assertThat(failingManager.cachedSandboxIds()).doesNotContain(pod.sandboxId());
        assertThat(Host.run("ping", "-c1", "-W2", other.primaryIp()).ok()).isTrue();
    }

    private String networkConfig(boolean portmap, String extraPlugins) {
        return """
                {"cniVersion":"1.0.0","name":"%s","plugins":[
                  {"type":"bridge","bridge":"%s","isGateway":true,"ipMasq":true,"hairpinMode":true,
                   "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.234.0.0/24"}]],
                           "routes":[{"dst":"0.0.0.0/0"}]}}
                  %s%s]}
                """.formatted(networkName, bridge, dataDir,
                        portmap ? ",{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}" : "", extraPlugins);
    }

    private String newNetns() {
        String name = "berth-it-" + suffix + "-" + namespaces.size();
        assertThat(Host.run("ip", "netns", "add", name).ok()).isTrue();
        namespaces.add(name);
        return name;
    }

    private List<String> vethsOnBridge() {
        Host.Result links = Host.run("ip", "-o", "link", "show", "master", bridge);
        if (!links.ok()) {
            return List.of();
        }
        return links.output().lines().filter(l -> !l.isBlank()).map(l -> l.split(": ")[1].split("@")[0]).toList();
    }

    /** host-local's reservation files: named after the reserved address. */
    private List<String> allocations() throws IOException {
        Path dir = dataDir.resolve(networkName);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(CniManagerIT::isAddress).toList();
        }
    }

    private static boolean isAddress(String name) {
        if (!name.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            InetAddress.getByName(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String iptablesSave() {
        return Host.run("iptables-save").output();
    }

    private static Set<String> natChains() {
        return Host.run("iptables-save", "-t", "nat").output().lines()
                .filter(l -> l.startsWith(":")).map(l -> l.substring(1).split(" ")[0]).collect(Collectors.toSet());
    }

    /** Idempotent: detaches leftovers, removes netns, bridge, portmap's shared chains if this test made them. */
    private void cleanUpHost() throws IOException {
        CniManager manager = new CniManager(settings, Duration.ofSeconds(60));
        for (String id : manager.cachedSandboxIds()) {
            try {
                manager.detach(new PodNetworkRequest(id, "", "", "", "", null));
            } catch (RuntimeException e) {
                // the asserts after cleanup report what is left
            }
        }
        for (String ns : namespaces) {
            Host.run("ip", "netns", "del", ns);
        }
        if (Host.run("ip", "link", "show", bridge).ok()) {
            Host.run("ip", "link", "del", bridge);
        }
        removeSharedPortmapChains();
        if (!ipForwardBefore.equals(Files.readString(IP_FORWARD).strip())) {
            Files.writeString(IP_FORWARD, ipForwardBefore + "\n");
        }
    }

    // portmap creates CNI-HOSTPORT-* chains shared by all pods and never removes them; remove them only if
    // they did not exist before this test and hold no other pod's forwarding.
    private void removeSharedPortmapChains() {
        Set<String> created = natChains().stream()
                .filter(c -> c.startsWith("CNI-HOSTPORT-") && !natChainsBefore.contains(c))
                .collect(Collectors.toSet());
        if (created.isEmpty() || !Host.run("iptables", "-w", "-t", "nat", "-S", "CNI-HOSTPORT-DNAT").output()
                .lines().allMatch(l -> l.startsWith("-N"))) {
            return;
        }
        List<String> jumps = Host.run("iptables-save", "-t", "nat").output().lines()
                .filter(l -> l.startsWith("-A ") && created.stream().anyMatch(c -> l.contains("-j " + c)))
                .toList();
        for (String rule : jumps) {
            Host.sh("iptables -w -t nat -D " + rule.substring(3));
        }
        for (String chain : created) {
            Host.run("iptables", "-w", "-t", "nat", "-F", chain);
        }
        for (String chain : created) {
            Host.run("iptables", "-w", "-t", "nat", "-X", chain);
        }
    }
}

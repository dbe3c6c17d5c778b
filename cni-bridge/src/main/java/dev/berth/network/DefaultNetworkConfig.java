package dev.berth.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.host.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The bridge + portmap network Berth installs when a node has no CNI config of its own. */
final class DefaultNetworkConfig {

    static final String FILE_NAME = "10-berth-bridge.conflist";
    static final String NETWORK_NAME = "berth";

    // Linux interface names are at most 15 bytes (IFNAMSIZ - 1).
    private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9_.\\-]{1,15}");
    private static final Pattern SUBNET = Pattern.compile("[0-9A-Fa-f.:]+/[0-9]{1,3}");

    private DefaultNetworkConfig() {
    }

    static ObjectNode build(String bridgeName, String subnet) {
        if (bridgeName == null || !BRIDGE.matcher(bridgeName).matches()) {
            throw new IllegalArgumentException("invalid bridge name: " + bridgeName);
        }
        if (subnet == null || !SUBNET.matcher(subnet).matches()) {
            throw new IllegalArgumentException("invalid subnet (want address/prefix): " + subnet);
        }
        boolean ipv6 = subnet.contains(":");
        ObjectNode list = Json.object();
        list.put("cniVersion", "1.0.0");
        list.put("name", NETWORK_NAME);
        ArrayNode plugins = list.putArray("plugins");

        ObjectNode bridge = plugins.addObject();
        bridge.put("type", "bridge");
        bridge.put("bridge", bridgeName);
        bridge.put("isGateway", true);
        bridge.put("ipMasq", true);
        bridge.put("hairpinMode", true);
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.putArray("ranges").addArray().addObject().put("subnet", subnet);
        ipam.putArray("routes").addObject().put("dst", ipv6 ? "::/0" : "0.0.0.0/0");

        ObjectNode portmap = plugins.addObject();
        portmap.put("type", "portmap");
        portmap.putObject("capabilities").put("portMappings", true);
        return list;
    }

    /** Writes the default list unless the dir already holds a config; returns whether it wrote. */
    static synchronized boolean writeIfAbsent(Path confDir, String bridgeName, String subnet) throws IOException {
        ObjectNode list = build(bridgeName, subnet);
        if (!ConfigLoader.configFiles(confDir).isEmpty()) {
            return false;
        }
        AtomicFiles.write(confDir.resolve(FILE_NAME), Json.writePretty(list) + "\n");
        return true;
    }
}

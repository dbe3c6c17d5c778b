package dev.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Builds the config one plugin of a list receives on stdin. */
final class PluginConfigs {

    private PluginConfigs() {
    }

    /**
     * The plugin's own object plus the list's {@code name} and {@code cniVersion}, the previous result when
     * given, and {@code runtimeConfig} holding each capability the plugin declares and the runtime supplies.
     */
    static ObjectNode build(NetworkConfigList net, ObjectNode plugin, JsonNode prevResult, ObjectNode capabilityArgs) {
        ObjectNode conf = plugin.deepCopy();
        conf.put("name", net.name());
        conf.put("cniVersion", net.cniVersion());
        if (prevResult != null) {
            conf.set("prevResult", prevResult.deepCopy());
        } else {
            conf.remove("prevResult");
        }
        ObjectNode runtimeConfig = Json.object();
        JsonNode capabilities = plugin.path("capabilities");
        for (Map.Entry<String, JsonNode> capability : capabilities.properties()) {
            JsonNode value = capabilityArgs.get(capability.getKey());
            if (capability.getValue().asBoolean(false) && value != null) {
                runtimeConfig.set(capability.getKey(), value.deepCopy());
            }
        }
        if (!runtimeConfig.isEmpty()) {
            conf.set("runtimeConfig", runtimeConfig);
        }
        return conf;
    }

    /** True when {@code version} is at least {@code minimum}; both are dotted numbers such as "0.4.0". */
    static boolean atLeast(String version, String minimum) {
        int[] a = parse(version);
        int[] b = parse(minimum);
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return a[i] > b[i];
            }
        }
        return true;
    }

    private static int[] parse(String version) {
        int[] parts = new int[3];
        String[] split = version.strip().split("\\.");
        for (int i = 0; i < Math.min(3, split.length); i++) {
            try {
                parts[i] = Integer.parseInt(split[i].replaceAll("[^0-9].*$", ""));
            } catch (NumberFormatException e) {
                parts[i] = 0;
            }
        }
        return parts;
    }
}

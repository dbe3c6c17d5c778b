package dev.berth.network;

import dev.berth.host.BerthException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Reads CNI results: the 0.3.x/0.4.0/1.x shape ("ips", "interfaces") and the 0.1/0.2 shape ("ip4", "ip6"). */
final class CniResults {

    private CniResults() {
    }

    /** Parses a plugin's ADD output, which must be a JSON object. */
    static ObjectNode parse(String stdout, PluginCall call) {
        if (stdout.isBlank()) {
            throw BerthException.failed(call.describe() + " printed no result");
        }
        try {
            return Json.parseObject(stdout);
        } catch (Exception e) {
            throw BerthException.failed(call.describe() + " printed an invalid result: " + abbreviate(stdout), e);
        }
    }

    /**
     * Plain addresses of interface {@code ifName}, IPv4 first. An IP whose "interface" index points at an
     * interface of another name (the bridge or the host end of a veth) is left out.
     */
    static List<String> ips(JsonNode result, String ifName) {
        List<String> all = new ArrayList<>();
        JsonNode ips = result.get("ips");
        if (ips != null && ips.isArray()) {
            JsonNode interfaces = result.path("interfaces");
            for (JsonNode ip : ips) {
                JsonNode index = ip.get("interface");
                if (index != null && index.canConvertToInt()) {
                    JsonNode iface = interfaces.path(index.asInt());
                    if (iface.has("name") && !iface.path("name").asText().equals(ifName)) {
                        continue;
                    }
                }
                addAddress(all, ip.path("address").asText(""));
            }
        } else {
            addAddress(all, result.path("ip4").path("ip").asText(""));
            addAddress(all, result.path("ip6").path("ip").asText(""));
        }
        List<String> ordered = new ArrayList<>();
        all.stream().filter(a -> !a.contains(":")).forEach(ordered::add);
        all.stream().filter(a -> a.contains(":")).forEach(ordered::add);
        return ordered;
    }

    private static void addAddress(List<String> out, String cidr) {
        if (cidr.isEmpty()) {
            return;
        }
        int slash = cidr.indexOf('/');
        out.add(slash < 0 ? cidr : cidr.substring(0, slash));
    }

    private static String abbreviate(String text) {
        String stripped = text.strip();
        return stripped.length() <= 200 ? stripped : stripped.substring(0, 200) + "...";
    }
}

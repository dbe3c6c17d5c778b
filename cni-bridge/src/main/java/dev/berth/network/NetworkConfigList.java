package dev.berth.network;

import dev.berth.host.BerthException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated network configuration list (a {@code .conf} is held as a list of one plugin).
 *
 * <p>{@code json} is private to this record: callers get deep copies, so instances are safe to share.
 */
record NetworkConfigList(String name, String cniVersion, boolean disableCheck, String source, ObjectNode json) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    /** Validates a conflist object; the node is copied. */
    static NetworkConfigList fromList(ObjectNode list, String source) {
        ObjectNode copy = list.deepCopy();
        String name = requireText(copy, "name", source);
        if (!NAME.matcher(name).matches()) {
            throw invalid(source, "network name '" + name + "' must be letters, digits, '_', '.', '-'");
        }
        String version = requireText(copy, "cniVersion", source);
        JsonNode plugins = copy.get("plugins");
        if (plugins == null || !plugins.isArray() || plugins.isEmpty()) {
            throw invalid(source, "'plugins' must be a non-empty array");
        }
        for (JsonNode plugin : plugins) {
            if (!plugin.isObject()) {
                throw invalid(source, "each plugin must be a JSON object");
            }
            String type = requireText((ObjectNode) plugin, "type", source);
            if (type.contains("/")) {
                throw invalid(source, "plugin type '" + type + "' must not contain '/'");
            }
        }
        return new NetworkConfigList(name, version, copy.path("disableCheck").asBoolean(false), source, copy);
    }

    /** Wraps a single plugin config ({@code .conf}) as a list of one. */
    static NetworkConfigList fromSingle(ObjectNode conf, String source) {
        ObjectNode list = Json.object();
        list.set("cniVersion", conf.get("cniVersion"));
        list.set("name", conf.get("name"));
        ObjectNode plugin = conf.deepCopy();
        plugin.remove("name");
        plugin.remove("cniVersion");
        list.putArray("plugins").add(plugin);
        return fromList(list, source);
    }

    /** The plugin configs in chain order, as fresh copies. */
    List<ObjectNode> plugins() {
        ArrayNode array = (ArrayNode) json.get("plugins");
        List<ObjectNode> result = new ArrayList<>(array.size());
        for (JsonNode plugin : array) {
            result.add(((ObjectNode) plugin).deepCopy());
        }
        return result;
    }

    List<String> pluginTypes() {
        List<String> types = new ArrayList<>();
        json.get("plugins").forEach(p -> types.add(p.get("type").asText()));
        return types;
    }

    ObjectNode jsonCopy() {
        return json.deepCopy();
    }

    private static String requireText(ObjectNode node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw invalid(source, "missing or empty string field '" + field + "'");
        }
        return value.asText();
    }

    private static BerthException invalid(String source, String why) {
        return BerthException.failed(source + ": " + why);
    }
}

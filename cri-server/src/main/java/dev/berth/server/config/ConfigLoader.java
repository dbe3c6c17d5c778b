package dev.berth.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds the effective {@link BerthConfig}: built-in defaults, then the main file, then drop-ins
 * ({@code <file>.d/*.toml} in name order), then overrides (dotted keys, e.g. {@code runtime.runc}).
 * Unknown keys are errors, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    public static final Path DEFAULT_FILE = Path.of("/etc/berth/berth.toml");

    private static final TomlMapper TOML = TomlMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file the main config file; a missing file is fine only when it is the default path
     * @param overrides dotted keys to values, applied last
     */
    public static BerthConfig load(Path file, boolean fileRequired, Map<String, String> overrides) {
        ObjectNode tree = defaults();
        if (Files.isRegularFile(file)) {
            merge(tree, read(file));
        } else if (fileRequired) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        for (Path dropIn : dropIns(file)) {
            merge(tree, read(dropIn));
        }
        overrides.forEach((key, value) -> set(tree, key, value));
        return toConfig(tree);
    }

    /** Renders a configuration as TOML, as {@code berth config} prints it. */
    public static String render(BerthConfig config) {
        try {
            return TOML.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BerthConfig parse(String toml) {
        ObjectNode tree = defaults();
        try {
            merge(tree, (ObjectNode) TOML.readTree(toml));
        } catch (IOException e) {
            throw new ConfigException("invalid TOML: " + e.getMessage());
        }
        return toConfig(tree);
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.toml")) {
            return (ObjectNode) TOML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode read(Path file) {
        try {
            return (ObjectNode) TOML.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static List<Path> dropIns(Path file) {
        Path dir = file.resolveSibling(file.getFileName() + ".d");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".toml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void set(ObjectNode tree, String dottedKey, String value) {
        String[] parts = dottedKey.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.withObjectProperty(parts[i]);
        }
        JsonNode current = node.get(parts[parts.length - 1]);
        String last = parts[parts.length - 1];
        if (current != null && current.isBoolean()) {
            node.put(last, Boolean.parseBoolean(value));
        } else if (current != null && current.isArray()) {
            var array = node.putArray(last);
            List<String> items = new ArrayList<>();
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
            items.forEach(array::add);
        } else {
            node.put(last, value);
        }
    }

    private static BerthConfig toConfig(ObjectNode tree) {
        try {
            BerthConfig config = TOML.treeToValue(tree, BerthConfig.class);
            validate(config);
            return config;
        } catch (IOException | IllegalArgumentException e) {
            String message = e instanceof com.fasterxml.jackson.core.JacksonException je
                    ? je.getOriginalMessage() : e.getMessage();
            throw new ConfigException("invalid configuration: " + message);
        }
    }

    private static void validate(BerthConfig config) {
        require(!config.socket().isBlank() && Path.of(config.socket()).isAbsolute(), "socket must be an absolute path");
        require(Path.of(config.root()).isAbsolute(), "root must be an absolute path");
        require(Path.of(config.state()).isAbsolute(), "state must be an absolute path");
        String driver = config.runtime().cgroupDriver();
        require(driver.equals("cgroupfs") || driver.equals("systemd"),
                "runtime.cgroup_driver must be cgroupfs or systemd, not " + driver);
        require(config.runtime().cgroupParent().startsWith("/"), "runtime.cgroup_parent must start with /");
        require(config.streaming().address().matches(".+:\\d{1,5}"),
                "streaming.address must be host:port, not " + config.streaming().address());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ConfigException(message);
        }
    }

    /** A configuration that cannot be used; the message says which key and why. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}

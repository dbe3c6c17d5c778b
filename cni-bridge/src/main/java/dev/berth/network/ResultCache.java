package dev.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.host.AtomicFiles;
import dev.berth.host.BerthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk record of each attachment: the network config it was made with, its CNI_* parameters and
 * the final ADD result, so DEL and CHECK later see exactly what ADD saw. An entry is written without a result
 * before ADD runs, so that an attachment whose ADD the daemon did not live to record is still found and deleted. One JSON file per
 * (network name, sandbox id, ifname), written atomically. Thread-safe for distinct sandboxes; callers
 * serialize operations on one sandbox.
 */
final class ResultCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);
    static final String KIND = "berthCniCacheV1";

    /** One cached attachment; {@code result} is null while ADD has not returned. */
    record Entry(RuntimeConf runtime, NetworkConfigList network, ObjectNode result) {

        String sandboxId() {
            return runtime.containerId();
        }

        String fileName() {
            return network.name() + "-" + runtime.containerId() + "-" + runtime.ifName() + ".json";
        }
    }

    private final Path dir;

    ResultCache(Path dir) {
        this.dir = dir;
    }

    void write(Entry entry) throws IOException {
        ObjectNode node = Json.object();
        node.put("kind", KIND);
        node.put("containerId", entry.runtime().containerId());
        node.put("ifName", entry.runtime().ifName());
        node.put("netns", entry.runtime().netns());
        node.put("cniArgs", entry.runtime().cniArgs());
        node.set("capabilityArgs", entry.runtime().capabilityArgs().deepCopy());
        node.put("networkName", entry.network().name());
        node.set("config", entry.network().jsonCopy());
        node.set("result", entry.result() == null ? null : entry.result().deepCopy());
        AtomicFiles.write(dir.resolve(entry.fileName()), Json.writePretty(node));
    }

    void delete(Entry entry) throws IOException {
        Files.deleteIfExists(dir.resolve(entry.fileName()));
    }

    List<Entry> find(String sandboxId) {
        return all().stream().filter(e -> e.sandboxId().equals(sandboxId)).toList();
    }

    /** All readable entries; unreadable files are logged and left for an operator. */
    List<Entry> all() {
        List<Path> files;
        try (Stream<Path> stream = Files.list(dir)) {
            files = stream.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw BerthException.failed("cannot list CNI cache " + dir + ": " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            try {
                entries.add(read(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString()));
            } catch (NoSuchFileException e) {
                // removed concurrently by a detach of that sandbox
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable CNI cache file {}: {}", file, e.getMessage());
            }
        }
        return entries;
    }

    static Entry read(String text, String source) throws IOException {
        ObjectNode node = Json.parseObject(text);
        if (!KIND.equals(node.path("kind").asText())) {
            throw new IOException("unknown cache kind '" + node.path("kind").asText() + "'");
        }
        JsonNode config = node.get("config");
        JsonNode result = node.get("result");
        if (config == null || !config.isObject() || (result != null && !result.isNull() && !result.isObject())) {
            throw new IOException("cache entry lacks config or has a malformed result");
        }
        JsonNode capabilityArgs = node.path("capabilityArgs");
        RuntimeConf runtime = new RuntimeConf(node.path("containerId").asText(), node.path("netns").asText(),
                node.path("ifName").asText(), node.path("cniArgs").asText(),
                capabilityArgs.isObject() ? (ObjectNode) capabilityArgs : Json.object());
        if (runtime.containerId().isEmpty() || runtime.ifName().isEmpty()) {
            throw new IOException("cache entry lacks containerId or ifName");
        }
        return new Entry(runtime, NetworkConfigList.fromList((ObjectNode) config, source),
                result != null && result.isObject() ? (ObjectNode) result : null);
    }
}

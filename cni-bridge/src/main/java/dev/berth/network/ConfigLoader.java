package dev.berth.network;

import dev.berth.host.BerthException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the network configs of a conf dir, in file name order, skipping (and explaining) invalid ones. */
final class ConfigLoader {

    /** The result of one scan: valid networks in file name order, and one line per skipped file. */
    record Scan(List<NetworkConfigList> networks, List<String> skipped) {
        Scan {
            networks = List.copyOf(networks);
            skipped = List.copyOf(skipped);
        }
    }

    /** Identity of the dir's contents; equal fingerprints mean a re-parse is unnecessary. */
    record Fingerprint(List<String> entries) {
    }

    private ConfigLoader() {
    }

    static boolean isConfigFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".conflist") || name.endsWith(".conf") || name.endsWith(".json");
    }

    /** Config files of the dir sorted by name; empty when the dir does not exist. */
    static List<Path> configFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(ConfigLoader::isConfigFile)
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    static Fingerprint fingerprint(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        for (Path file : configFiles(dir)) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                entries.add(file.getFileName() + "|" + attrs.lastModifiedTime().toMillis() + "|" + attrs.size());
            } catch (NoSuchFileException e) {
                // removed between listing and stat: simply not part of this fingerprint
            }
        }
        return new Fingerprint(entries);
    }

    static Scan scan(Path dir) throws IOException {
        List<NetworkConfigList> networks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path file : configFiles(dir)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                skipped.add(file.getFileName() + ": unreadable: " + e.getMessage());
                continue;
            }
            try {
                networks.add(parse(text, file.getFileName().toString()));
            } catch (BerthException e) {
                skipped.add(e.getMessage());
            }
        }
        return new Scan(networks, skipped);
    }

    /** Parses one file's text; a {@code .conflist}, or any file with a "plugins" array and no "type", is a list. */
    static NetworkConfigList parse(String text, String fileName) {
        ObjectNode node;
        try {
            node = Json.parseObject(text);
        } catch (JsonProcessingException e) {
            throw BerthException.failed(fileName + ": invalid JSON: " + e.getOriginalMessage());
        }
        boolean list = fileName.endsWith(".conflist") || (node.has("plugins") && !node.has("type"));
        return list ? NetworkConfigList.fromList(node, fileName) : NetworkConfigList.fromSingle(node, fileName);
    }
}

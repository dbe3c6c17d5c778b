package dev.berth.image;

import dev.berth.host.AtomicFiles;
import dev.berth.host.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image records as JSON files under {@code <root>/images}, each written atomically. Not thread-safe:
 * the image store serializes calls.
 */
final class MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);
    private final Path dir;

    MetadataStore(Path root) throws IOException {
        this.dir = root.resolve("images");
        Files.createDirectories(dir);
    }

    List<ImageRecord> load() throws IOException {
        List<ImageRecord> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    Files.deleteIfExists(file); // temp file of an interrupted write
                    continue;
                }
                if (!name.endsWith(".json")) {
                    continue;
                }
                try {
                    result.add(Json.MAPPER.readValue(file.toFile(), ImageRecord.class));
                } catch (IOException e) {
                    LOG.warn("ignoring unreadable image record {}: {}", file, e.getMessage());
                }
            }
        }
        return result;
    }

    void save(ImageRecord record) throws IOException {
        AtomicFiles.writeJson(file(record.id()), record);
    }

    void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
        AtomicFiles.fsyncDir(dir);
    }

    private Path file(String id) {
        return dir.resolve(Digests.hex(id) + ".json");
    }
}

package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
    private static final String ID = "sha256:" + "1".repeat(64);

    @Test
    void saveAndLoad_fullRecord_roundTrips(@TempDir Path root) throws Exception {
        ImageConfig config = new ImageConfig(List.of("/e"), List.of("sh"), List.of("PATH=/bin"), "/w", "berth",
                Map.of("a", "b"), "SIGTERM", List.of("/v"), List.of("80/tcp"));
        ImageRecord record = new ImageRecord(ImageRecord.VERSION, ID, List.of("docker.io/library/busybox:latest"),
                List.of("docker.io/library/busybox@sha256:" + "2".repeat(64)), 1234, config,
                List.of(new ImageRecord.LayerRef("sha256:" + "3".repeat(64), 1234, "sha256:" + "4".repeat(64),
                        "sha256:" + "4".repeat(64))));
        new MetadataStore(root).save(record);
        assertThat(new MetadataStore(root).load()).containsExactly(record);
        try (var files = Files.list(root.resolve("images"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("1".repeat(64) + ".json");
        }
    }

    @Test
    void load_leftoverTempAndGarbage_skipsThem(@TempDir Path root) throws Exception {
        MetadataStore store = new MetadataStore(root);
        Files.writeString(root.resolve("images/.x.json.123.tmp"), "{");
        Files.writeString(root.resolve("images/" + "5".repeat(64) + ".json"), "not json");
        assertThat(store.load()).isEmpty();
        assertThat(root.resolve("images/.x.json.123.tmp")).doesNotExist();
    }

    @Test
    void delete_savedRecord_isGoneAfterReload(@TempDir Path root) throws Exception {
        MetadataStore store = new MetadataStore(root);
        store.save(new ImageRecord(1, ID, List.of(), List.of(), 0, null, List.of()));
        store.delete(ID);
        assertThat(new MetadataStore(root).load()).isEmpty();
    }
}

package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonStoreTest {

    record Item(String id, int count, byte[] blob) {
    }

    @TempDir
    Path dir;

    private JsonStore<Item> store(int version) {
        return new JsonStore<>(dir, Item.class, version, new ObjectMapper());
    }

    @Test
    void load_afterPut_returnsSameValues() {
        JsonStore<Item> s = store(1);
        s.put("a", new Item("a", 3, new byte[] {1, 2, 3}));

        JsonStore<Item> reloaded = store(1);
        reloaded.load();

        Item a = reloaded.get("a").orElseThrow();
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.blob()).containsExactly(1, 2, 3);
    }

    @Test
    void put_always_writesVersionedEnvelopeWithoutTempFiles() throws Exception {
        store(1).put("a", new Item("a", 1, new byte[0]));

        var tree = new ObjectMapper().readTree(dir.resolve("a.json").toFile());
        assertThat(tree.get("version").asInt()).isEqualTo(1);
        assertThat(tree.get("value").get("count").asInt()).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.json");
        }
    }

    @Test
    void update_changeFails_keepsOldValueOnDiskAndInMemory() {
        JsonStore<Item> s = store(1);
        s.put("a", new Item("a", 1, new byte[0]));

        assertThatThrownBy(() -> s.update("a", i -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(s.get("a").orElseThrow().count()).isEqualTo(1);
        JsonStore<Item> reloaded = store(1);
        reloaded.load();
        assertThat(reloaded.get("a").orElseThrow().count()).isEqualTo(1);
    }

    @Test
    void update_unknownId_throwsNoSuchElement() {
        assertThatThrownBy(() -> store(1).update("x", i -> i)).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void update_existing_writesThenSwaps() {
        JsonStore<Item> s = store(1);
        s.put("a", new Item("a", 1, new byte[0]));

        s.update("a", i -> new Item(i.id(), i.count() + 1, i.blob()));

        JsonStore<Item> reloaded = store(1);
        reloaded.load();
        assertThat(reloaded.get("a").orElseThrow().count()).isEqualTo(2);
        assertThat(s.get("a").orElseThrow().count()).isEqualTo(2);
    }

    @Test
    void load_leftoverTempAndCorruptAndOtherVersion_skipsThemAndDeletesTemp() throws Exception {
        store(1).put("good", new Item("good", 1, new byte[0]));
        Files.writeString(dir.resolve(".half.json.tmp"), "{\"version\":1,");
        Files.writeString(dir.resolve("corrupt.json"), "{not json");
        store(2).put("future", new Item("future", 1, new byte[0]));

        JsonStore<Item> s = store(1);
        s.load();

        assertThat(s.ids()).containsExactly("good");
        assertThat(dir.resolve(".half.json.tmp")).doesNotExist();
    }

    @Test
    void remove_existing_deletesFile() {
        JsonStore<Item> s = store(1);
        s.put("a", new Item("a", 1, new byte[0]));

        s.remove("a");
        s.remove("a");

        assertThat(s.get("a")).isEmpty();
        assertThat(dir.resolve("a.json")).doesNotExist();
    }
}

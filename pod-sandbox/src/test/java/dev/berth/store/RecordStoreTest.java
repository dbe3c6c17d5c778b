package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import dev.berth.host.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreTest {

    record Meta(String id, String name) {
    }

    record Status(long startedAt, int exitCode) {
    }

    record Joined(Meta meta, Status status) {
    }

    @TempDir
    Path dir;

    private RecordStore<Meta, Status, Joined> store() {
        return new RecordStore<>(dir, Meta.class, Status.class, Joined::new, Json.MAPPER);
    }

    @Test
    void create_thenReload_returnsBothParts() {
        store().create("a", new Meta("a", "web"), new Status(0, 0));

        RecordStore<Meta, Status, Joined> reloaded = store();

        assertThat(reloaded.load()).containsExactly(new Joined(new Meta("a", "web"), new Status(0, 0)));
        assertThat(dir.resolve("meta/a.json")).isRegularFile();
        assertThat(dir.resolve("status/a.json")).isRegularFile();
    }

    @Test
    void create_existingId_isAlreadyExistsAndKeepsTheRecord() {
        RecordStore<Meta, Status, Joined> s = store();
        s.create("a", new Meta("a", "web"), new Status(0, 0));

        assertThatThrownBy(() -> s.create("a", new Meta("a", "db"), new Status(5, 5)))
                .isInstanceOf(BerthException.AlreadyExists.class);
        assertThat(s.get("a").orElseThrow().meta().name()).isEqualTo("web");
    }

    @Test
    void update_changesOnlyTheStatusFile() throws Exception {
        RecordStore<Meta, Status, Joined> s = store();
        s.create("a", new Meta("a", "web"), new Status(0, 0));
        Path meta = dir.resolve("meta/a.json");
        FileTime written = FileTime.fromMillis(1_000);
        Files.setLastModifiedTime(meta, written);

        Joined updated = s.update("a", st -> new Status(7, st.exitCode()));

        assertThat(updated.status().startedAt()).isEqualTo(7);
        assertThat(Files.getLastModifiedTime(meta)).isEqualTo(written);
        RecordStore<Meta, Status, Joined> reloaded = store();
        reloaded.load();
        assertThat(reloaded.get("a").orElseThrow().status().startedAt()).isEqualTo(7);
    }

    @Test
    void update_unknownId_isNoSuchElement() {
        assertThatThrownBy(() -> store().update("nope", st -> st)).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void remove_deletesBothFiles() {
        RecordStore<Meta, Status, Joined> s = store();
        s.create("a", new Meta("a", "web"), new Status(0, 0));

        s.remove("a");
        s.remove("a");

        assertThat(s.get("a")).isEmpty();
        assertThat(dir.resolve("meta/a.json")).doesNotExist();
        assertThat(dir.resolve("status/a.json")).doesNotExist();
    }

    @Test
    void load_statusWithoutMetadata_isACutShortCreateAndDeleted() throws Exception {
        RecordStore<Meta, Status, Joined> s = store();
        s.create("a", new Meta("a", "web"), new Status(0, 0));
        Files.delete(dir.resolve("meta/a.json"));

        RecordStore<Meta, Status, Joined> reloaded = store();

        assertThat(reloaded.load()).isEmpty();
        assertThat(dir.resolve("status/a.json")).doesNotExist();
    }

    @Test
    void load_singleFileRecordOfVersion1_isSplitByFieldNames() throws Exception {
        Files.writeString(dir.resolve("old.json"), """
                {"version":1,"value":{"id":"old","name":"web","startedAt":42,"exitCode":3}}""");
        Files.writeString(dir.resolve(".x.json.tmp"), "partial");

        RecordStore<Meta, Status, Joined> s = store();

        assertThat(s.load()).containsExactly(new Joined(new Meta("old", "web"), new Status(42, 3)));
        assertThat(dir.resolve("old.json")).doesNotExist();
        assertThat(dir.resolve(".x.json.tmp")).doesNotExist();
        assertThat(store().load()).hasSize(1);
    }

    @Test
    void load_singleFileRecordOfUnknownVersion_isLeftAlone() throws Exception {
        Files.writeString(dir.resolve("new.json"), """
                {"version":9,"value":{"id":"new","name":"web"}}""");

        assertThat(store().load()).isEmpty();
        assertThat(dir.resolve("new.json")).exists();
    }
}

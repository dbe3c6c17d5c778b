package dev.berth.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.host.AtomicFiles;
import dev.berth.host.BerthException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records of one kind (pods or containers), each made of metadata, written once when the object is made and never
 * again, and a status, changed only through {@link #update}. Metadata lives in {@code <dir>/meta/<id>.json}, status
 * in {@code <dir>/status/<id>.json}; a status change rewrites only the small status file, and the request the
 * metadata holds is never at risk. The metadata file is what makes a record exist: it is written after the status
 * and removed before it, so a crash in between leaves a status without metadata, which {@link #load} deletes.
 *
 * <p>Records of version 1 ({@code <dir>/<id>.json}, metadata and status in one value) are split on load: both parts
 * are read from the old value by their field names.
 *
 * <p>Thread-safe. A record is read as a snapshot of both parts; changes of one id are serialized by the status store.
 *
 * @param <M> the immutable metadata type
 * @param <S> the immutable status type
 * @param <R> what callers see: metadata and status joined
 */
public final class RecordStore<M, S, R> {

    private static final Logger log = LoggerFactory.getLogger(RecordStore.class);
    /** The version of records holding metadata and status in one file. */
    private static final int SINGLE_FILE_VERSION = 1;
    private static final int VERSION = 2;

    private final Path dir;
    private final JsonStore<M> metadata;
    private final JsonStore<S> status;
    private final Class<M> metadataType;
    private final Class<S> statusType;
    private final BiFunction<M, S, R> join;
    private final ObjectMapper mapper;

    public RecordStore(Path dir, Class<M> metadataType, Class<S> statusType, BiFunction<M, S, R> join,
                       ObjectMapper mapper) {
        this.dir = dir;
        this.metadata = new JsonStore<>(dir.resolve("meta"), metadataType, VERSION, mapper);
        this.status = new JsonStore<>(dir.resolve("status"), statusType, VERSION, mapper);
        this.metadataType = metadataType;
        this.statusType = statusType;
        this.join = join;
        this.mapper = mapper;
    }

    /**
     * Loads every stored record, replacing what is in memory: splits records of version 1 first, then drops statuses
     * whose metadata is missing (a create or remove cut short).
     */
    public List<R> load() {
        splitSingleFileRecords();
        metadata.load();
        status.load();
        for (String id : status.ids()) {
            if (metadata.get(id).isEmpty()) {
                log.info("removing the status of {}, whose record was never finished or was being removed", id);
                status.remove(id);
            }
        }
        List<R> loaded = new ArrayList<>();
        for (String id : metadata.ids()) {
            Optional<R> r = get(id);
            if (r.isPresent()) {
                loaded.add(r.get());
            } else {
                log.warn("skipping record {}: its metadata has no status", id);
            }
        }
        return loaded;
    }

    public Optional<R> get(String id) {
        Optional<M> m = metadata.get(id);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        return status.get(id).map(s -> join.apply(m.get(), s));
    }

    public List<R> list() {
        List<R> all = new ArrayList<>();
        for (String id : metadata.ids()) {
            get(id).ifPresent(all::add);
        }
        return all;
    }

    /** Stores a new record: its status, then its metadata, which is never written again. */
    public R create(String id, M meta, S initial) {
        if (metadata.get(id).isPresent()) {
            throw BerthException.alreadyExists("record " + id + " already exists");
        }
        status.put(id, initial);
        try {
            metadata.put(id, meta);
        } catch (RuntimeException e) {
            try {
                status.remove(id);
            } catch (RuntimeException removal) {
                e.addSuppressed(removal);
            }
            throw e;
        }
        return join.apply(meta, initial);
    }

    /**
     * Computes the new status from the current one, writes it, then swaps it in.
     *
     * @throws java.util.NoSuchElementException when there is no record for {@code id}
     */
    public R update(String id, UnaryOperator<S> change) {
        M meta = metadata.get(id).orElseThrow(() -> new java.util.NoSuchElementException(id));
        return join.apply(meta, status.update(id, change));
    }

    /** Deletes the record of {@code id}, metadata first; absent is no error. */
    public void remove(String id) {
        metadata.remove(id);
        status.remove(id);
    }

    /** Writes the statuses a full disk kept in memory; those that still do not fit stay pending. */
    public void writeUnwritten() {
        status.writeUnwritten();
    }

    /** How many statuses are newer in memory than on disk. */
    public int unwrittenCount() {
        return status.unwrittenCount();
    }

    private void splitSingleFileRecords() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) {
            if (AtomicFiles.isTemp(f)) {
                deleteQuietly(f);
                continue;
            }
            if (!f.getFileName().toString().endsWith(".json")) {
                continue;
            }
            String name = f.getFileName().toString();
            String id = name.substring(0, name.length() - ".json".length());
            try {
                JsonNode envelope = mapper.readTree(Files.readAllBytes(f));
                int v = envelope.path("version").asInt(-1);
                if (v != SINGLE_FILE_VERSION) {
                    log.warn("skipping state file {} of unsupported version {}", f, v);
                    continue;
                }
                JsonNode value = envelope.get("value");
                status.put(id, mapper.treeToValue(value, statusType));
                metadata.put(id, mapper.treeToValue(value, metadataType));
                Files.delete(f);
                AtomicFiles.fsyncDir(dir);
                log.info("split state file {} into metadata and status", f);
            } catch (IOException | RuntimeException e) {
                log.warn("skipping unreadable state file {}: {}", f, e.getMessage());
            }
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", f, e.getMessage());
        }
    }
}

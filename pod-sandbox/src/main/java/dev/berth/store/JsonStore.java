package dev.berth.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.host.AtomicFiles;
import dev.berth.host.DiskFull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values of one kind kept in memory and on disk as {@code <dir>/<id>.json}, each in a versioned envelope
 * {@code {"version":N,"value":{...}}}. Every change is written atomically before the in-memory copy is swapped, so
 * the disk is never behind what callers were told, with one exception: when the filesystem is full, an
 * {@link #update} of an existing value is kept in memory and written by the next change that finds space. A full
 * disk must not stop a container from being stopped or a status from being read (kubelet's disk-pressure eviction
 * depends on it), and the status lost by a crash meanwhile is derived again from runc and conmon at recovery.
 * New values ({@link #put}) are never kept only in memory: making something needs the disk.
 *
 * <p>Thread-safe; changes of one id are serialized, reads see immutable snapshots.
 *
 * @param <T> an immutable value type Jackson can map
 */
final class JsonStore<T> {

    private static final Logger log = LoggerFactory.getLogger(JsonStore.class);

    private final Path dir;
    private final Class<T> type;
    private final int version;
    private final ObjectMapper mapper;
    private final ConcurrentHashMap<String, T> values = new ConcurrentHashMap<>();
    /** Ids whose value in memory is newer than on disk, for lack of space. */
    private final java.util.Set<String> unwritten = ConcurrentHashMap.newKeySet();

    public JsonStore(Path dir, Class<T> type, int version, ObjectMapper mapper) {
        this.dir = dir;
        this.type = type;
        this.version = version;
        this.mapper = mapper;
    }

    public Path file(String id) {
        return dir.resolve(id + ".json");
    }

    /** Loads every stored value, replacing what is in memory; unreadable files and leftover temp files are skipped. */
    public List<T> load() {
        values.clear();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (AtomicFiles.isTemp(f)) {
                    Files.deleteIfExists(f);
                    continue;
                }
                if (!name.endsWith(".json")) {
                    continue;
                }
                try {
                    values.put(name.substring(0, name.length() - 5), decode(Files.readAllBytes(f)));
                } catch (IOException | RuntimeException e) {
                    log.warn("skipping unreadable state file {}: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(values.values());
    }

    public Optional<T> get(String id) {
        return Optional.ofNullable(values.get(id));
    }

    public List<T> list() {
        return new ArrayList<>(values.values());
    }

    public Collection<String> ids() {
        return List.copyOf(values.keySet());
    }

    /** Stores a new value for {@code id}, replacing any. */
    public void put(String id, T value) {
        writeUnwritten();
        values.compute(id, (k, old) -> {
            write(id, value);
            unwritten.remove(id);
            return value;
        });
    }

    /**
     * Computes the new value from the current one, writes it, then swaps it in.
     *
     * @throws java.util.NoSuchElementException when there is no value for {@code id}
     */
    public T update(String id, UnaryOperator<T> change) {
        writeUnwritten();
        return values.compute(id, (k, old) -> {
            if (old == null) {
                throw new java.util.NoSuchElementException(id);
            }
            T next = change.apply(old);
            if (next != old) {
                try {
                    write(id, next);
                    unwritten.remove(id);
                } catch (UncheckedIOException e) {
                    if (!DiskFull.causedBy(e)) {
                        throw e;
                    }
                    if (unwritten.add(id)) {
                        log.warn("no space left to write {}: the change is kept in memory until there is", file(id));
                    }
                }
            }
            return next;
        });
    }

    /** Writes the values a full disk kept in memory; those that still do not fit stay pending. */
    public void writeUnwritten() {
        for (String id : List.copyOf(unwritten)) {
            values.computeIfPresent(id, (k, value) -> {
                try {
                    write(id, value);
                    unwritten.remove(id);
                    log.info("wrote {}, which a full disk had kept in memory", file(id));
                } catch (UncheckedIOException e) {
                    log.debug("{} still cannot be written: {}", file(id), e.getMessage());
                }
                return value;
            });
        }
    }

    /** How many values are newer in memory than on disk. */
    public int unwrittenCount() {
        return unwritten.size();
    }

    /** Deletes the value of {@code id}; absent is no error. */
    public void remove(String id) {
        values.compute(id, (k, old) -> {
            unwritten.remove(id);
            try {
                Files.deleteIfExists(file(id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            AtomicFiles.fsyncDir(dir);
            return null;
        });
    }

    byte[] encode(T value) throws IOException {
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("version", version);
        envelope.set("value", mapper.valueToTree(value));
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope);
    }

    T decode(byte[] data) throws IOException {
        JsonNode n = mapper.readTree(data);
        int v = n.path("version").asInt(-1);
        if (v != version) {
            throw new IOException("unsupported state version " + v + " (expected " + version + ")");
        }
        return mapper.treeToValue(n.get("value"), type);
    }

    private void write(String id, T value) {
        try {
            AtomicFiles.write(file(id), encode(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state " + file(id), e);
        }
    }
}

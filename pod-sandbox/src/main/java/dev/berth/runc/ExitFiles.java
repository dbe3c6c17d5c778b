package dev.berth.runc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** Reads the exit files conmon writes ({@code <exitDir>/<containerId>} holding the decimal exit code). Stateless. */
final class ExitFiles {

    private ExitFiles() {
    }

    /** The recorded exit, or empty while the file is absent or not yet written. */
    static Optional<ExitStatus> read(Path exitFile) {
        try {
            String text = Files.readString(exitFile, StandardCharsets.UTF_8);
            OptionalInt code = parse(text);
            if (code.isEmpty()) {
                return Optional.empty();
            }
            FileTime mtime = Files.getLastModifiedTime(exitFile);
            return Optional.of(new ExitStatus(code.getAsInt(), toNanos(mtime)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The exit code in an exit file's text; empty when blank or not a number (conmon may still be writing it). */
    static OptionalInt parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static long toNanos(FileTime time) {
        var instant = time.toInstant();
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }
}

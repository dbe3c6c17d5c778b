package dev.berth.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code /proc/self/mountinfo}. Stateless. */
final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    static List<Path> mountPoints() {
        try {
            return parse(Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> parse(List<String> lines) {
        List<Path> result = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                result.add(Path.of(unescape(fields[4])));
            }
        }
        return result;
    }

    static boolean isMountPoint(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        return mountPoints().contains(normal);
    }

    /** Mount points at or below {@code dir}. */
    static List<Path> mountsUnder(Path dir) {
        Path normal = dir.toAbsolutePath().normalize();
        return mountPoints().stream().filter(p -> p.startsWith(normal)).toList();
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() + 1 && field.substring(i + 1, Math.min(i + 4, field.length())).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

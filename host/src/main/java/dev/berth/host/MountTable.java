package dev.berth.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount table of Berth's own mount namespace ({@code /proc/self/mountinfo}): the one parser of it. Stateless
 * and thread-safe; every call reads the table afresh.
 */
public final class MountTable {

    /** One mount: where it is, its filesystem type and its filesystem's own options (e.g. {@code rw,memory}). */
    public record Mount(Path mountPoint, String fsType, List<String> superOptions) {
        public Mount {
            superOptions = List.copyOf(superOptions);
        }
    }

    private MountTable() {
    }

    public static List<Mount> list() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isMountPoint(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return list().stream().anyMatch(m -> m.mountPoint().equals(p));
    }

    /** Mount points at or below {@code dir}. */
    public static List<Path> under(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return list().stream().map(Mount::mountPoint).filter(p -> p.startsWith(d)).toList();
    }

    /** Parses the lines of a mountinfo file; lines that are not mount entries are skipped. */
    public static List<Mount> parse(List<String> lines) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int sep = indexOf(f, "-");
            if (f.length < 5 || sep < 0 || sep + 1 >= f.length) {
                continue;
            }
            List<String> superOptions = sep + 3 < f.length ? List.of(f[sep + 3].split(",")) : List.of();
            mounts.add(new Mount(Path.of(unescape(f[4])), f[sep + 1], superOptions));
        }
        return mounts;
    }

    private static int indexOf(String[] fields, String value) {
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    /** mountinfo writes space, tab, newline and backslash as three-digit octal escapes. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}

package dev.berth.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Interface counters of a network namespace, read from {@code /proc/<pid>/net/dev} of a process inside it. This
 * avoids entering the namespace (a thread in the JVM cannot) or running a program per sample. Stateless.
 */
final class NetDev {

    private static final int RX_BYTES = 0;
    private static final int RX_ERRORS = 2;
    private static final int TX_BYTES = 8;
    private static final int TX_ERRORS = 10;

    private NetDev() {
    }

    /**
     * The counters of every interface but loopback, as process {@code pid} sees them, provided that process is
     * still in the namespace pinned at {@code netns}; empty otherwise (exited, or its pid reused).
     */
    static Optional<List<InterfaceUsage>> read(Path procRoot, long pid, Path netns) {
        Path proc = procRoot.resolve(Long.toString(pid));
        try {
            if (!sameFile(proc.resolve("ns").resolve("net"), netns)) {
                return Optional.empty();
            }
            List<InterfaceUsage> result = parse(Files.readString(proc.resolve("net").resolve("dev"),
                    StandardCharsets.US_ASCII));
            // Checked again: the process may have exited and its pid been reused while we read.
            return sameFile(proc.resolve("ns").resolve("net"), netns) ? Optional.of(result) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Namespace files are the same namespace when device and inode agree, whatever path reaches them. */
    private static boolean sameFile(Path a, Path b) throws IOException {
        return Objects.equals(Files.getAttribute(a, "unix:ino"), Files.getAttribute(b, "unix:ino"))
                && Objects.equals(Files.getAttribute(a, "unix:dev"), Files.getAttribute(b, "unix:dev"));
    }

    /** Parses the text of a {@code net/dev} file, skipping loopback and malformed lines. */
    static List<InterfaceUsage> parse(String text) {
        List<InterfaceUsage> result = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue; // the two header lines
            }
            String name = line.substring(0, colon).strip();
            // Large counters run into the name ("eth0:123"), so split on the colon, not on blanks.
            String[] fields = line.substring(colon + 1).strip().split("\\s+");
            if (name.isEmpty() || name.equals("lo") || fields.length < 16) {
                continue;
            }
            try {
                result.add(new InterfaceUsage(name, Long.parseLong(fields[RX_BYTES]),
                        Long.parseLong(fields[RX_ERRORS]), Long.parseLong(fields[TX_BYTES]),
                        Long.parseLong(fields[TX_ERRORS])));
            } catch (NumberFormatException e) {
                // a line we do not understand is left out rather than reported wrong
            }
        }
        return result;
    }
}

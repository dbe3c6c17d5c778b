package dev.berth.runc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about host processes read from /proc. Stateless. */
public final class Procs {

    private Procs() {
    }

    /**
     * Whether {@code pid} is a live (not zombie) process whose command line mentions {@code marker}; the marker
     * guards against a recycled pid.
     */
    public static boolean alive(long pid, String marker) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            if (close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z'
                    || stat.charAt(close + 2) == 'X') {
                return false;
            }
            if (marker == null) {
                return true;
            }
            String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
            return cmdline.contains(marker);
        } catch (IOException e) {
            return false;
        }
    }
}

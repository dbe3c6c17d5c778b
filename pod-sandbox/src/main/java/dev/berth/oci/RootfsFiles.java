package dev.berth.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Reads files of an image's rootfs as the container would see them: symbolic links are resolved with the
 * rootfs as {@code /}, so an absolute or {@code ..}-laden link can never lead to a file of the host.
 */
final class RootfsFiles {
    private static final int MAX_LINKS = 40; // the kernel's own limit for one path walk

    private RootfsFiles() {
    }

    /** The contents of {@code containerPath} inside {@code rootfs}, empty if it does not exist there. */
    static Optional<String> read(Path rootfs, String containerPath) {
        try {
            Optional<Path> p = resolve(rootfs, containerPath);
            if (p.isEmpty() || !Files.isRegularFile(p.get(), LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(p.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Walks {@code containerPath} component by component, re-rooting every symlink target at {@code rootfs}. */
    static Optional<Path> resolve(Path rootfs, String containerPath) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        pushComponents(todo, containerPath);
        Deque<String> done = new ArrayDeque<>(); // components resolved so far, relative to rootfs
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                done.pollLast(); // ".." at the root stays at the root
                continue;
            }
            Path current = join(rootfs, done).resolve(c);
            if (Files.isSymbolicLink(current)) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                String target = Files.readSymbolicLink(current).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                pushComponents(todo, target);
            } else {
                done.addLast(c);
            }
        }
        return Optional.of(join(rootfs, done));
    }

    private static void pushComponents(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path join(Path rootfs, Deque<String> components) {
        Path p = rootfs;
        for (String c : components) {
            p = p.resolve(c);
        }
        return p;
    }
}

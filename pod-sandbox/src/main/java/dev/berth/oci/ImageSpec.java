package dev.berth.oci;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an image's config that shape a container's process.
 *
 * <p>Immutable and thread-safe. Lists are never null (absent means empty) and strings are never null
 * (absent means {@code ""}); the compact constructor normalises nulls accordingly and copies the lists.
 *
 * @param entrypoint the image ENTRYPOINT
 * @param cmd        the image CMD
 * @param env        the image environment, each entry {@code KEY=value}
 * @param workingDir the image WorkingDir, {@code ""} when unset
 * @param user       the image USER ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}), {@code ""} when unset
 * @param stopSignal the image StopSignal, {@code ""} when unset
 */
public record ImageSpec(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                        String user, String stopSignal) {

    public ImageSpec {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = Objects.requireNonNullElse(workingDir, "");
        user = Objects.requireNonNullElse(user, "");
        stopSignal = Objects.requireNonNullElse(stopSignal, "");
    }

    /** An image config with nothing set. */
    public static ImageSpec empty() {
        return new ImageSpec(List.of(), List.of(), List.of(), "", "", "");
    }
}

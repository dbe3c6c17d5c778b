package dev.berth.oci;

import java.util.List;
import java.util.Objects;

/**
 * The numeric identity a container process runs as, as resolved by {@link Users#resolve}.
 *
 * <p>Immutable and thread-safe. {@code additionalGids} is never null; {@code home} is never null.
 *
 * @param uid            the user id
 * @param gid            the primary group id
 * @param additionalGids supplementary group ids, without duplicates, in the order found
 * @param home           the user's home directory from the rootfs's passwd, {@code "/"} when unknown
 */
public record UserSpec(long uid, long gid, List<Long> additionalGids, String home) {

    public UserSpec {
        additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        home = Objects.requireNonNullElse(home, "/");
    }

    /** root, group root, no supplementary groups, home {@code /}. */
    public static UserSpec root() {
        return new UserSpec(0, 0, List.of(), "/");
    }
}

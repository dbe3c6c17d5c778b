package dev.berth.oci;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SupplementalGroupsPolicy;
import dev.berth.host.BerthException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the numeric identity of a container's process from its CRI security context, the image's USER and
 * the image's {@code /etc/passwd} and {@code /etc/group}.
 *
 * <p>Stateless and thread-safe. Files are read with the rootfs as {@code /}: symbolic links in the rootfs never
 * lead to files of the host.
 */
public final class Users {
    private Users() {
    }

    /**
     * Resolves the user.
     *
     * <p>{@code run_as_user}, then {@code run_as_username}, then the image USER ({@code name}, {@code uid},
     * {@code name:group}, {@code uid:gid}, any mix) pick the user, root by default; {@code run_as_group} overrides
     * the group. Without a group the user's primary group from passwd is used, or 0 if the uid is not listed.
     * {@code additionalGids} is the primary gid, then the groups of {@code /etc/group} listing the user (unless
     * the policy is Strict), then {@code supplemental_groups}, without duplicates; the primary gid comes first as
     * containerd does, so the process keeps its own group after {@code setgroups}.
     *
     * <p>The policy is Strict when the container's or the pod's security context says so: Kubernetes has it in
     * the pod's only and kubelet copies it to each container, and Merge, the default, cannot be told from unset.
     *
     * @param rootfs    the image's root filesystem on the host
     * @param imageUser the image's USER, {@code ""} or null when unset
     * @param config    the container's CRI config
     * @param pod       the CRI config of the container's pod
     * @throws BerthException.InvalidArgument if a user or group name is not found, or the user is malformed
     */
    public static UserSpec resolve(Path rootfs, String imageUser, ContainerConfig config, PodSandboxConfig pod) {
        LinuxContainerSecurityContext sc = config.getLinux().getSecurityContext();
        boolean strict = sc.getSupplementalGroupsPolicy() == SupplementalGroupsPolicy.Strict
                || pod.getLinux().getSecurityContext().getSupplementalGroupsPolicy() == SupplementalGroupsPolicy.Strict;
        Passwd db = Passwd.read(rootfs);

        Optional<Passwd.User> entry;
        long uid;
        Long gid = null;
        if (sc.hasRunAsUser()) {
            uid = sc.getRunAsUser().getValue();
            entry = db.user(uid);
        } else if (!sc.getRunAsUsername().isEmpty()) {
            entry = Optional.of(byName(db, sc.getRunAsUsername(), "linux.security_context.run_as_username"));
            uid = entry.get().uid();
        } else {
            String spec = imageUser == null ? "" : imageUser.strip();
            String userPart = spec;
            int colon = spec.indexOf(':');
            if (colon >= 0) {
                userPart = spec.substring(0, colon);
                String groupPart = spec.substring(colon + 1);
                if (!groupPart.isEmpty()) {
                    gid = groupId(db, groupPart);
                }
            }
            if (userPart.isEmpty()) {
                uid = 0;
                entry = db.user(0);
            } else if (Passwd.id(userPart) != null) {
                uid = Passwd.id(userPart);
                entry = db.user(uid);
            } else {
                // the image's USER: the request names the image
                entry = Optional.of(byName(db, userPart, "image.image"));
                uid = entry.get().uid();
            }
        }
        if (sc.hasRunAsGroup()) {
            gid = sc.getRunAsGroup().getValue();
        }
        long primary = gid != null ? gid : entry.map(Passwd.User::gid).orElse(0L);

        Set<Long> groups = new LinkedHashSet<>();
        groups.add(primary);
        if (entry.isPresent() && !strict) {
            groups.addAll(db.groupsListing(entry.get().name()));
        }
        groups.addAll(sc.getSupplementalGroupsList());
        String home = entry.map(Passwd.User::home).orElse("/");
        return new UserSpec(uid, primary, List.copyOf(groups), home);
    }

    /** As {@link #resolve(Path, String, ContainerConfig, PodSandboxConfig)} for a pod that sets no policy. */
    public static UserSpec resolve(Path rootfs, String imageUser, ContainerConfig config) {
        return resolve(rootfs, imageUser, config, PodSandboxConfig.getDefaultInstance());
    }

    private static Passwd.User byName(Passwd db, String name, String field) {
        return db.user(name).orElseThrow(() -> BerthException.invalid(field,
                "names user \"" + name + "\", who is not in the image's /etc/passwd"));
    }

    private static long groupId(Passwd db, String group) {
        Long numeric = Passwd.id(group);
        if (numeric != null) {
            return numeric;
        }
        return db.group(group).map(Passwd.Group::gid).orElseThrow(() -> BerthException.invalid(
                "image.image", "has user group \"" + group + "\", which is not in the image's /etc/group"));
    }
}

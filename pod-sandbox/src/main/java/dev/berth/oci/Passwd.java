package dev.berth.oci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The user and group databases of an image's rootfs ({@code /etc/passwd}, {@code /etc/group}). */
final class Passwd {
    record User(String name, long uid, long gid, String home) {
    }

    record Group(String name, long gid, List<String> members) {
    }

    private final List<User> users;
    private final List<Group> groups;

    Passwd(List<User> users, List<Group> groups) {
        this.users = List.copyOf(users);
        this.groups = List.copyOf(groups);
    }

    static Passwd read(Path rootfs) {
        return new Passwd(
                parseUsers(RootfsFiles.read(rootfs, "/etc/passwd").orElse("")),
                parseGroups(RootfsFiles.read(rootfs, "/etc/group").orElse("")));
    }

    Optional<User> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    Optional<User> user(long uid) {
        return users.stream().filter(u -> u.uid() == uid).findFirst();
    }

    Optional<Group> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    List<Long> groupsListing(String userName) {
        return groups.stream().filter(g -> g.members().contains(userName)).map(Group::gid).toList();
    }

    static List<User> parseUsers(String text) {
        List<User> out = new ArrayList<>();
        for (String[] f : records(text)) {
            // name:password:uid:gid:gecos:home:shell
            if (f.length >= 4) {
                Long uid = id(f[2]);
                Long gid = id(f[3]);
                if (uid != null && gid != null) {
                    out.add(new User(f[0], uid, gid, f.length > 5 && !f[5].isEmpty() ? f[5] : "/"));
                }
            }
        }
        return out;
    }

    static List<Group> parseGroups(String text) {
        List<Group> out = new ArrayList<>();
        for (String[] f : records(text)) {
            // name:password:gid:member,member
            if (f.length >= 3) {
                Long gid = id(f[2]);
                if (gid != null) {
                    List<String> members = f.length > 3 && !f[3].isBlank()
                            ? List.of(f[3].trim().split("\\s*,\\s*")) : List.of();
                    out.add(new Group(f[0], gid, members));
                }
            }
        }
        return out;
    }

    private static List<String[]> records(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l.split(":", -1));
            }
        }
        return out;
    }

    /** A numeric id, or null if the text is not one (a malformed line is skipped, as libc does). */
    static Long id(String s) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 10) {
            return null;
        }
        long v = Long.parseLong(s);
        return v <= 0xffffffffL ? v : null;
    }
}

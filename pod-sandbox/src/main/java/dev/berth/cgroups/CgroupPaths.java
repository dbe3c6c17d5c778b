package dev.berth.cgroups;

import dev.berth.host.BerthException;

/** Where pods and containers live in the cgroup tree (cgroupfs driver paths). Stateless. */
public final class CgroupPaths {

    private CgroupPaths() {
    }

    /**
     * The pod's cgroup: kubelet's {@code cgroup_parent} when it gave one, else {@code <defaultParent>/<sandboxId>}.
     */
    public static String podParent(String kubeletParent, String defaultParent, String sandboxId) {
        if (kubeletParent != null && !kubeletParent.isBlank()) {
            return normalize(kubeletParent);
        }
        return join(normalize(defaultParent), sandboxId);
    }

    /** The cgroupsPath runc is given for a container: {@code <podParent>/<containerId>}. */
    public static String container(String podParent, String containerId) {
        return join(normalize(podParent), containerId);
    }

    /** Rejects names that would step outside the parent. */
    static String join(String parent, String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw BerthException.invalidArgument("invalid cgroup name: " + name);
        }
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** An absolute path without duplicate or trailing slashes and without "." or ".." segments. */
    static String normalize(String path) {
        StringBuilder b = new StringBuilder();
        for (String seg : path.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (seg.equals(".") || seg.equals("..")) {
                throw BerthException.invalidArgument("invalid cgroup path: " + path);
            }
            b.append('/').append(seg);
        }
        return b.isEmpty() ? "/" : b.toString();
    }
}

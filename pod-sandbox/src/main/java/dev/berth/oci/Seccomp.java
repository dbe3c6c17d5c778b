package dev.berth.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SecurityProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The seccomp filter of a container, as the OCI {@code linux.seccomp} object. Pure and stateless.
 *
 * <p>Berth's RuntimeDefault profile allows every system call except those that reach state the container's
 * namespaces do not isolate (kernel modules, keyrings, the clock, swap, accounting, reboot) or that would let a
 * process build new mount or namespace setups; calls a granted capability is meant to unlock (CAP_SYS_ADMIN for
 * mount, CAP_SYS_TIME for the clock, ...) are allowed again when the container holds that capability. Denied
 * calls fail with EPERM, as they would without the capability.
 */
public final class Seccomp {

    /** The CRI field a Localhost profile comes from, named in errors. */
    public static final String LOCALHOST_FIELD = "linux.security_context.seccomp.localhost_ref";

    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    /** Calls no capability unlocks inside a container: obsolete, or global kernel state. */
    private static final List<String> ALWAYS_DENIED = List.of(
            "add_key", "keyctl", "request_key", "create_module", "get_kernel_syms", "query_module",
            "nfsservctl", "uselib", "_sysctl", "sysfs", "ustat", "vm86", "vm86old", "lookup_dcookie");

    /** Calls that a capability is meant to allow, by capability. */
    private static final List<Map.Entry<String, List<String>>> DENIED_UNLESS = List.of(
            Map.entry("CAP_SYS_ADMIN", List.of("mount", "umount", "umount2", "pivot_root", "unshare", "setns",
                    "swapon", "swapoff", "quotactl", "quotactl_fd", "fsopen", "fsconfig", "fsmount", "fspick",
                    "move_mount", "open_tree", "mount_setattr", "bpf", "perf_event_open", "fanotify_init")),
            Map.entry("CAP_SYS_MODULE", List.of("init_module", "finit_module", "delete_module")),
            Map.entry("CAP_SYS_BOOT", List.of("reboot", "kexec_load", "kexec_file_load")),
            Map.entry("CAP_SYS_TIME", List.of("settimeofday", "stime", "clock_settime", "clock_adjtime")),
            Map.entry("CAP_SYS_PACCT", List.of("acct")),
            Map.entry("CAP_SYS_RAWIO", List.of("iopl", "ioperm")),
            Map.entry("CAP_SYS_NICE", List.of("mbind", "set_mempolicy", "move_pages", "migrate_pages")),
            Map.entry("CAP_SYSLOG", List.of("syslog")),
            Map.entry("CAP_DAC_READ_SEARCH", List.of("open_by_handle_at")));

    private Seccomp() {
    }

    /**
     * The profile that applies: the container's when its config carries one, else the pod's; empty for none
     * (the CRI's "no profile" is unconfined).
     */
    public static Optional<SecurityProfile> requested(ContainerConfig container, PodSandboxConfig sandbox) {
        if (container.getLinux().getSecurityContext().hasSeccomp()) {
            return Optional.of(container.getLinux().getSecurityContext().getSeccomp());
        }
        if (sandbox.getLinux().getSecurityContext().hasSeccomp()) {
            return Optional.of(sandbox.getLinux().getSecurityContext().getSeccomp());
        }
        return Optional.empty();
    }

    /**
     * The {@code linux.seccomp} object for a container, or empty for none.
     *
     * @param capabilities the container's capabilities, e.g. {@code CAP_SYS_ADMIN}
     * @param localhost    the parsed Localhost profile file; required when the profile is Localhost
     */
    static Optional<ObjectNode> filter(Optional<SecurityProfile> profile, boolean privileged,
                                       Set<String> capabilities, JsonNode localhost) {
        // A privileged container is meant to do everything the host can, as with containerd and CRI-O.
        if (profile.isEmpty() || privileged) {
            return Optional.empty();
        }
        return switch (profile.get().getProfileType()) {
            case Unconfined -> Optional.empty();
            case RuntimeDefault -> Optional.of(runtimeDefault(capabilities));
            case Localhost -> {
                if (localhost == null) {
                    throw new IllegalArgumentException(LOCALHOST_FIELD + " " + profile.get().getLocalhostRef()
                            + " was not loaded");
                }
                yield Optional.of(fromProfile(localhost));
            }
            case UNRECOGNIZED -> throw new IllegalArgumentException("linux.security_context.seccomp.profile_type "
                    + "is not one of RuntimeDefault, Unconfined, Localhost");
        };
    }

    /** Berth's default profile for a container holding {@code capabilities}. */
    static ObjectNode runtimeDefault(Set<String> capabilities) {
        ObjectNode seccomp = Json.object();
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ArrayNode syscalls = seccomp.putArray("syscalls");
        ArrayNode denied = Json.array();
        ALWAYS_DENIED.forEach(denied::add);
        for (Map.Entry<String, List<String>> unlock : DENIED_UNLESS) {
            if (!capabilities.contains(unlock.getKey())) {
                unlock.getValue().forEach(denied::add);
            }
        }
        ObjectNode deny = syscalls.addObject();
        deny.set("names", denied);
        deny.put("action", "SCMP_ACT_ERRNO");
        deny.put("errnoRet", EPERM);
        if (!capabilities.contains("CAP_SYS_ADMIN")) {
            // clone3 takes its flags in memory seccomp cannot inspect; ENOSYS makes C libraries fall back to
            // clone, whose namespace flags then need CAP_SYS_ADMIN like unshare.
            ObjectNode clone3 = syscalls.addObject();
            clone3.putArray("names").add("clone3");
            clone3.put("action", "SCMP_ACT_ERRNO");
            clone3.put("errnoRet", ENOSYS);
        }
        return seccomp;
    }

    /**
     * A Localhost profile as the OCI runtime wants it. Profiles are written in the OCI form or Docker's (which
     * names architectures in an {@code archMap}); the fields runc does not know are left out.
     */
    static ObjectNode fromProfile(JsonNode profile) {
        if (!profile.isObject() || !profile.path("defaultAction").isTextual()) {
            throw new IllegalArgumentException(LOCALHOST_FIELD + " is not a seccomp profile: no defaultAction");
        }
        ObjectNode seccomp = Json.object();
        seccomp.set("defaultAction", profile.get("defaultAction"));
        copy(profile, seccomp, "defaultErrnoRet");
        copy(profile, seccomp, "flags");
        copy(profile, seccomp, "listenerPath");
        if (profile.has("architectures")) {
            seccomp.set("architectures", profile.get("architectures"));
        } else if (profile.path("archMap").isArray()) {
            ArrayNode architectures = seccomp.putArray("architectures");
            for (JsonNode entry : profile.get("archMap")) {
                architectures.add(entry.path("architecture").asText());
                entry.path("subArchitectures").forEach(architectures::add);
            }
        }
        ArrayNode syscalls = seccomp.putArray("syscalls");
        for (JsonNode rule : profile.path("syscalls")) {
            ObjectNode out = syscalls.addObject();
            if (rule.has("names")) {
                out.set("names", rule.get("names"));
            } else if (rule.path("name").isTextual()) {
                out.putArray("names").add(rule.get("name").asText());
            }
            copy(rule, out, "action");
            copy(rule, out, "errnoRet");
            copy(rule, out, "args");
        }
        return seccomp;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        }
    }
}

package dev.berth.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.host.BerthException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The seccomp filter of a container, as the OCI {@code linux.seccomp} object. Pure and stateless.
 *
 * <p>Berth's RuntimeDefault profile denies by default: a call not on its reviewed list fails with EPERM. It
 * allows what ordinary Linux programs need (files, sockets, signals, memory, threads, clocks, IPC), the calls of
 * the host's architecture and its compat ABIs, and the calls a capability is meant to unlock (mount and
 * namespaces with CAP_SYS_ADMIN, ptrace with CAP_SYS_PTRACE, the clock with CAP_SYS_TIME, ...) only when the
 * container holds that capability. Some calls are allowed for harmless arguments only: {@code clone} without
 * namespace flags, {@code personality} for the usual personas, {@code socket} but for AF_ALG and AF_VSOCK;
 * {@code clone3}, whose flags seccomp cannot see, answers ENOSYS so that C libraries fall back to {@code clone}.
 * Keyrings, io_uring, userfaultfd and obsolete calls are refused whatever the capabilities. The list lives in
 * {@code seccomp-default.json} next to this class, read once by {@link SeccompDefault}.
 *
 * <p>Localhost profiles are passed on as written; privileged and Unconfined containers get no filter.
 */
public final class Seccomp {

    /** The CRI field a Localhost profile comes from, named in errors. */
    public static final String LOCALHOST_FIELD = "linux.security_context.seccomp.localhost_ref";

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
     * @param arch         the host's Java {@code os.arch} ({@code amd64}, {@code aarch64}); used by RuntimeDefault
     * @throws UnsupportedOperationException if RuntimeDefault applies and Berth's profile does not cover
     *                                       {@code arch}
     */
    static Optional<ObjectNode> filter(Optional<SecurityProfile> profile, boolean privileged,
                                       Set<String> capabilities, JsonNode localhost, String arch) {
        // A privileged container is meant to do everything the host can, as with containerd and CRI-O.
        if (profile.isEmpty() || privileged) {
            return Optional.empty();
        }
        return switch (profile.get().getProfileType()) {
            case Unconfined -> Optional.empty();
            case RuntimeDefault -> Optional.of(runtimeDefault(capabilities, arch));
            case Localhost -> {
                if (localhost == null) {
                    throw BerthException.invalid(LOCALHOST_FIELD, profile.get().getLocalhostRef()
                            + " was not loaded");
                }
                yield Optional.of(fromProfile(localhost));
            }
            case UNRECOGNIZED -> throw BerthException.invalid("linux.security_context.seccomp.profile_type",
                    "is not one of RuntimeDefault, Unconfined, Localhost");
        };
    }

    /**
     * Berth's default profile for a container holding {@code capabilities} on a host whose Java {@code os.arch} is
     * {@code arch}.
     *
     * @throws UnsupportedOperationException if the profile does not cover {@code arch}
     */
    static ObjectNode runtimeDefault(Set<String> capabilities, String arch) {
        return SeccompDefault.shipped().render(capabilities, arch);
    }

    /** The names of the calls a filter allows, for some arguments at least. */
    static SortedSet<String> allowed(JsonNode seccomp) {
        SortedSet<String> names = new TreeSet<>();
        for (JsonNode rule : seccomp.path("syscalls")) {
            if (rule.path("action").asText().equals("SCMP_ACT_ALLOW")) {
                rule.path("names").forEach(name -> names.add(name.asText()));
            }
        }
        return names;
    }

    /**
     * A Localhost profile as the OCI runtime wants it. Profiles are written in the OCI form or Docker's (which
     * names architectures in an {@code archMap}); the fields runc does not know are left out.
     */
    static ObjectNode fromProfile(JsonNode profile) {
        if (!profile.isObject() || !profile.path("defaultAction").isTextual()) {
            throw BerthException.invalid(LOCALHOST_FIELD, "is not a seccomp profile: no defaultAction");
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

package dev.berth.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Berth's RuntimeDefault seccomp profile as reviewed in {@code seccomp-default.json}: the calls it always allows,
 * those it allows on one architecture, to holders of a capability or for some arguments only, and those it
 * refuses whatever the capabilities. {@link #render} makes the OCI {@code linux.seccomp} object of one container.
 *
 * <p>Immutable and thread-safe. {@link #parse} rejects a file in which a name is listed twice or is both allowed
 * and refused, so that the rendered profile never holds one call in two rules that could contradict each other.
 *
 * @param architectures     libseccomp architectures by Java {@code os.arch}, native ABI first
 * @param allow             always allowed
 * @param allowByArch       allowed on that {@code os.arch} only
 * @param allowByCapability allowed to a container holding the capability
 * @param allowWithArgs     allowed when one alternative of argument checks holds
 * @param errno             answered with an errno other than the default EPERM
 * @param neverAllow        reviewed and refused; kept to check that no group allows them
 */
record SeccompDefault(Map<String, List<String>> architectures, SortedSet<String> allow,
                      Map<String, SortedSet<String>> allowByArch, Map<String, SortedSet<String>> allowByCapability,
                      List<ArgRule> allowWithArgs, List<ErrnoRule> errno, SortedSet<String> neverAllow) {

    private static final int EPERM = 1;
    /** A misspelt group would otherwise be ignored, and its calls silently refused or allowed. */
    private static final Set<String> FIELDS = Set.of("about", "architectures", "allow", "allowByArch",
            "allowByCapability", "allowWithArgs", "errno", "neverAllow");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");
    private static final Set<String> OPS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    /** Linux passes at most six arguments in registers, which is all seccomp sees. */
    private static final int MAX_ARGS = 6;

    /**
     * Calls allowed when any one list of checks holds; all checks of a list must hold.
     *
     * @param unlessCapability a capability whose holders get the names from {@code allowByCapability} instead
     */
    record ArgRule(List<String> names, Optional<String> unlessCapability, List<List<ArgCheck>> anyOf) {
    }

    /** One comparison of a call's argument, in the OCI form: a masked comparison takes the mask as value. */
    record ArgCheck(int index, String op, long value, long valueTwo) {

        ObjectNode json() {
            ObjectNode arg = Json.object();
            arg.put("index", index);
            arg.put("value", unsigned(value));
            if (op.equals("SCMP_CMP_MASKED_EQ")) {
                arg.put("valueTwo", unsigned(valueTwo));
            }
            arg.put("op", op);
            return arg;
        }

        private static BigInteger unsigned(long v) {
            return new BigInteger(Long.toUnsignedString(v));
        }
    }

    /** Calls answered with {@code errnoRet}, except for holders of {@code unlessCapability}. */
    record ErrnoRule(List<String> names, Optional<String> unlessCapability, int errnoRet) {
    }

    /** The profile shipped in this package, read once on first use. */
    static SeccompDefault shipped() {
        return Shipped.PROFILE;
    }

    private static final class Shipped {
        static final SeccompDefault PROFILE = load("seccomp-default.json");
    }

    static SeccompDefault load(String resource) {
        try (InputStream in = SeccompDefault.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource dev/berth/oci/" + resource + " is missing");
            }
            return parse(dev.berth.host.Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/berth/oci/" + resource, e);
        }
    }

    /**
     * Reads and checks a profile in the format of {@code seccomp-default.json}.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    static SeccompDefault parse(JsonNode root) {
        root.properties().stream().map(Map.Entry::getKey).filter(field -> !FIELDS.contains(field)).findFirst()
                .ifPresent(field -> {
                    throw new IllegalArgumentException("unknown field " + field + "; the fields are "
                            + new TreeSet<>(FIELDS));
                });
        Map<String, List<String>> architectures = new HashMap<>();
        root.path("architectures").properties().forEach(e -> {
            List<String> arches = strings(e.getValue(), "architectures." + e.getKey());
            if (arches.isEmpty() || !arches.stream().allMatch(a -> a.startsWith("SCMP_ARCH_"))) {
                throw new IllegalArgumentException("architectures." + e.getKey() + " must list SCMP_ARCH_ names");
            }
            architectures.put(e.getKey(), arches);
        });
        SortedSet<String> allow = new TreeSet<>();
        for (JsonNode group : root.path("allow")) {
            addAll(allow, names(group, "allow"), "allow");
        }
        Map<String, SortedSet<String>> allowByArch = groups(root.path("allowByArch"), "allowByArch");
        Map<String, SortedSet<String>> allowByCapability = groups(root.path("allowByCapability"),
                "allowByCapability");
        List<ArgRule> allowWithArgs = new ArrayList<>();
        for (JsonNode rule : root.path("allowWithArgs")) {
            allowWithArgs.add(new ArgRule(names(rule, "allowWithArgs"), capability(rule), alternatives(rule)));
        }
        List<ErrnoRule> errno = new ArrayList<>();
        for (JsonNode rule : root.path("errno")) {
            int errnoRet = rule.path("errnoRet").asInt(0);
            if (errnoRet <= 0 || errnoRet > 4095) {
                throw new IllegalArgumentException("errno " + rule.path("names") + ": errnoRet must be 1..4095");
            }
            errno.add(new ErrnoRule(names(rule, "errno"), capability(rule), errnoRet));
        }
        SortedSet<String> neverAllow = new TreeSet<>();
        for (JsonNode group : root.path("neverAllow")) {
            addAll(neverAllow, names(group, "neverAllow"), "neverAllow");
        }
        SeccompDefault profile = new SeccompDefault(Map.copyOf(architectures),
                Collections.unmodifiableSortedSet(allow), Map.copyOf(allowByArch), Map.copyOf(allowByCapability),
                List.copyOf(allowWithArgs), List.copyOf(errno), Collections.unmodifiableSortedSet(neverAllow));
        profile.check();
        return profile;
    }

    /**
     * The {@code linux.seccomp} object for a container holding {@code capabilities} on {@code arch}.
     *
     * @throws UnsupportedOperationException if the profile has no architectures for {@code arch}: its argument
     *                                       checks were reviewed for the listed architectures only
     */
    ObjectNode render(Set<String> capabilities, String arch) {
        List<String> arches = arch == null ? null : architectures.get(arch);
        if (arches == null) {
            throw new UnsupportedOperationException("Berth's RuntimeDefault seccomp profile covers the architectures "
                    + new TreeSet<>(architectures.keySet()) + ", not " + arch);
        }
        ObjectNode seccomp = Json.object();
        seccomp.put("defaultAction", "SCMP_ACT_ERRNO");
        seccomp.put("defaultErrnoRet", EPERM);
        seccomp.set("architectures", Json.strings(arches));
        ArrayNode syscalls = seccomp.putArray("syscalls");

        SortedSet<String> allowed = new TreeSet<>(allow);
        allowed.addAll(allowByArch.getOrDefault(arch, new TreeSet<>()));
        allowByCapability.forEach((capability, names) -> {
            if (capabilities.contains(capability)) {
                allowed.addAll(names);
            }
        });
        rule(syscalls, allowed, "SCMP_ACT_ALLOW");
        for (ArgRule withArgs : allowWithArgs) {
            if (withArgs.unlessCapability().filter(capabilities::contains).isEmpty()) {
                // libseccomp ANDs the checks of one rule, so each alternative becomes a rule of its own.
                for (List<ArgCheck> checks : withArgs.anyOf()) {
                    ArrayNode args = rule(syscalls, withArgs.names(), "SCMP_ACT_ALLOW").putArray("args");
                    checks.forEach(check -> args.add(check.json()));
                }
            }
        }
        for (ErrnoRule other : errno) {
            if (other.unlessCapability().filter(capabilities::contains).isEmpty()) {
                rule(syscalls, other.names(), "SCMP_ACT_ERRNO").put("errnoRet", other.errnoRet());
            }
        }
        return seccomp;
    }

    private static ObjectNode rule(ArrayNode syscalls, Collection<String> names, String action) {
        ObjectNode rule = syscalls.addObject();
        rule.set("names", Json.strings(names));
        rule.put("action", action);
        return rule;
    }

    /** The rules that keep every name in one place and every key meaningful. */
    private void check() {
        Set<String> capabilities = Capabilities.fromMask(-1L);
        allowByArch.keySet().stream().filter(arch -> !architectures.containsKey(arch)).findFirst()
                .ifPresent(arch -> {
                    throw new IllegalArgumentException("allowByArch." + arch + " has no architectures entry");
                });
        allowByCapability.keySet().stream().filter(cap -> !capabilities.contains(cap)).findFirst()
                .ifPresent(cap -> {
                    throw new IllegalArgumentException("allowByCapability." + cap + " is not a capability");
                });
        allowByArch.forEach((arch, names) -> disjoint(allow, names, "allow", "allowByArch." + arch));
        Set<String> unconditional = new HashSet<>(allow);
        allowByArch.values().forEach(unconditional::addAll);
        allowByCapability.forEach((cap, names) ->
                disjoint(unconditional, names, "allow or allowByArch", "allowByCapability." + cap));

        Map<String, String> conditional = new HashMap<>();
        for (ArgRule rule : allowWithArgs) {
            conditionalNames(rule.names(), rule.unlessCapability(), "allowWithArgs", unconditional, conditional);
        }
        for (ErrnoRule rule : errno) {
            conditionalNames(rule.names(), rule.unlessCapability(), "errno", unconditional, conditional);
        }
        Set<String> listed = new HashSet<>(unconditional);
        allowByCapability.values().forEach(listed::addAll);
        listed.addAll(conditional.keySet());
        disjoint(listed, neverAllow, "an allowing or errno group", "neverAllow");
    }

    private void conditionalNames(List<String> names, Optional<String> unless, String group,
                                  Set<String> unconditional, Map<String, String> seen) {
        unless.filter(cap -> !Capabilities.fromMask(-1L).contains(cap))
                .ifPresent(cap -> {
                    throw new IllegalArgumentException(group + " " + names + ": " + cap + " is not a capability");
                });
        disjoint(unconditional, names, "allow or allowByArch", group);
        for (String name : names) {
            String before = seen.putIfAbsent(name, group);
            if (before != null) {
                throw new IllegalArgumentException(name + " is in two rules of " + before + " and " + group);
            }
            // Holders of another capability would get the name both unconditionally and by this rule.
            allowByCapability.forEach((cap, capNames) -> {
                if (capNames.contains(name) && !unless.equals(Optional.of(cap))) {
                    throw new IllegalArgumentException(name + " is in allowByCapability." + cap + " and in a rule of "
                            + group + " that does not yield to " + cap);
                }
            });
        }
    }

    private static void disjoint(Collection<String> a, Collection<String> b, String aName, String bName) {
        b.stream().filter(a::contains).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException(name + " is in both " + aName + " and " + bName);
        });
    }

    private static Map<String, SortedSet<String>> groups(JsonNode byKey, String field) {
        Map<String, SortedSet<String>> groups = new TreeMap<>();
        byKey.properties().forEach(e -> {
            SortedSet<String> names = new TreeSet<>();
            addAll(names, names(e.getValue(), field + "." + e.getKey()), field + "." + e.getKey());
            groups.put(e.getKey(), Collections.unmodifiableSortedSet(names));
        });
        return groups;
    }

    private static void addAll(Set<String> into, List<String> names, String field) {
        for (String name : names) {
            if (!into.add(name)) {
                throw new IllegalArgumentException(name + " is listed twice in " + field);
            }
        }
    }

    private static List<String> names(JsonNode group, String field) {
        List<String> names = strings(group.path("names"), field);
        if (names.isEmpty()) {
            throw new IllegalArgumentException(field + " has a group without names");
        }
        names.stream().filter(n -> !NAME.matcher(n).matches()).findFirst().ifPresent(n -> {
            throw new IllegalArgumentException(field + ": \"" + n + "\" is not a system call name");
        });
        return names;
    }

    private static List<String> strings(JsonNode array, String field) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : array) {
            if (!s.isTextual()) {
                throw new IllegalArgumentException(field + " must be an array of strings");
            }
            out.add(s.asText());
        }
        return List.copyOf(out);
    }

    private static Optional<String> capability(JsonNode rule) {
        return rule.hasNonNull("unlessCapability") ? Optional.of(rule.get("unlessCapability").asText())
                : Optional.empty();
    }

    private static List<List<ArgCheck>> alternatives(JsonNode rule) {
        String where = "allowWithArgs " + rule.path("names");
        if (!rule.path("anyOf").isArray() || rule.path("anyOf").isEmpty()) {
            throw new IllegalArgumentException(where + ": anyOf must list argument checks");
        }
        List<List<ArgCheck>> anyOf = new ArrayList<>();
        for (JsonNode alternative : rule.get("anyOf")) {
            if (!alternative.isArray() || alternative.isEmpty()) {
                throw new IllegalArgumentException(where + ": each anyOf entry must list argument checks");
            }
            List<ArgCheck> checks = new ArrayList<>();
            for (JsonNode arg : alternative) {
                int index = arg.path("index").asInt(-1);
                String op = arg.path("op").asText();
                if (index < 0 || index >= MAX_ARGS || !OPS.contains(op)) {
                    throw new IllegalArgumentException(where + ": bad argument check " + arg);
                }
                checks.add(new ArgCheck(index, op, number(arg.path("value"), where),
                        arg.has("valueTwo") ? number(arg.get("valueTwo"), where) : 0));
            }
            anyOf.add(List.copyOf(checks));
        }
        return List.copyOf(anyOf);
    }

    /** An unsigned 64-bit value, written as a JSON number or, more readably for masks, a "0x..." string. */
    private static long number(JsonNode value, String where) {
        try {
            if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0) {
                return value.asLong();
            }
            if (value.isTextual()) {
                String text = value.asText();
                return text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16)
                        : Long.parseUnsignedLong(text);
            }
        } catch (NumberFormatException e) {
            // falls through to the error naming the value
        }
        throw new IllegalArgumentException(where + ": " + value + " is not an unsigned 64-bit value");
    }
}

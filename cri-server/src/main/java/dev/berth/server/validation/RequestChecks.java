package dev.berth.server.validation;

import static dev.berth.host.BerthException.printable;

import dev.berth.cri.v1.DNSConfig;
import dev.berth.cri.v1.HugepageLimit;
import dev.berth.cri.v1.KeyValue;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.host.BerthException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks of request fields that the handlers of several RPCs share. Each check names the field as the CRI
 * message spells it, under the prefix the caller gives (e.g. {@code config.linux.resources}), so a caller mistake
 * is an INVALID_ARGUMENT the user can act on rather than a failure deep in runc. Stateless.
 */
public final class RequestChecks {

    /** The kernel's list format of CPUs and memory nodes: {@code 0-3,5,7-8}. */
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    /** kubelet's page sizes: a number and a binary unit, e.g. {@code 2MB}, {@code 1GB}. */
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+(KB|MB|GB|TB|PB)");
    /** A cgroup2 file name: {@code memory.high}, {@code cpu.weight}; never a path. */
    private static final Pattern CGROUP_FILE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)+");
    /**
     * A hostname as hostname(1) sets it in the pod's UTS namespace (RFC 1123): labels of letters, digits and
     * inner hyphens, joined by dots. A leading hyphen would be read as an option of hostname(1).
     */
    private static final Pattern HOSTNAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final long MAX_ID = 0xFFFF_FFFEL;
    /** The kernel's NAME_MAX: no file name may be longer. */
    private static final int MAX_NAME_BYTES = 255;
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");
    /** The kernel's CFS bandwidth limits, in microseconds: a period of 1 ms to 1 s, a quota of 1 ms to 2^44-1. */
    private static final long MIN_CFS_MICROS = 1_000;
    private static final long MAX_CFS_PERIOD_MICROS = 1_000_000;
    private static final long MAX_CFS_QUOTA_MICROS = (1L << 44) - 1;
    /** cgroup v1's cpu.shares range, which runc maps onto cgroup v2's cpu.weight; kubelet stays within it. */
    private static final long MIN_CPU_SHARES = 2;
    private static final long MAX_CPU_SHARES = 262_144;

    private RequestChecks() {
    }

    /** The limits of a container, as CreateContainer and UpdateContainerResources take them. */
    public static void resources(String prefix, LinuxContainerResources r) {
        // 0 leaves a limit unset; the kernel refuses values outside its ranges, which runc reports as its failure
        unsetOrWithin(prefix + ".cpu_period", r.getCpuPeriod(), MIN_CFS_MICROS, MAX_CFS_PERIOD_MICROS);
        // -1 is cgroup v1's "no quota", which runc passes on
        if (r.getCpuQuota() != -1) {
            unsetOrWithin(prefix + ".cpu_quota", r.getCpuQuota(), MIN_CFS_MICROS, MAX_CFS_QUOTA_MICROS);
        }
        unsetOrWithin(prefix + ".cpu_shares", r.getCpuShares(), MIN_CPU_SHARES, MAX_CPU_SHARES);
        notNegative(prefix + ".memory_limit_in_bytes", r.getMemoryLimitInBytes());
        // -1 is "unlimited swap"
        atLeast(prefix + ".memory_swap_limit_in_bytes", r.getMemorySwapLimitInBytes(), -1);
        // the memory+swap limit includes the memory limit: the kernel refuses a total below it
        if (r.getMemoryLimitInBytes() > 0 && r.getMemorySwapLimitInBytes() > 0
                && r.getMemorySwapLimitInBytes() < r.getMemoryLimitInBytes()) {
            throw BerthException.invalid(prefix + ".memory_swap_limit_in_bytes", "must be -1 or at least"
                    + " memory_limit_in_bytes (" + r.getMemoryLimitInBytes() + "), not "
                    + r.getMemorySwapLimitInBytes());
        }
        if (r.getOomScoreAdj() < -1000 || r.getOomScoreAdj() > 1000) {
            throw BerthException.invalid(prefix + ".oom_score_adj",
                    "must be in -1000..1000, not " + r.getOomScoreAdj());
        }
        cpuList(prefix + ".cpuset_cpus", r.getCpusetCpus());
        cpuList(prefix + ".cpuset_mems", r.getCpusetMems());
        List<HugepageLimit> huge = r.getHugepageLimitsList();
        for (int i = 0; i < huge.size(); i++) {
            if (!PAGE_SIZE.matcher(huge.get(i).getPageSize()).matches()) {
                throw BerthException.invalid(prefix + ".hugepage_limits[" + i + "].page_size",
                        "must be a size such as 2MB or 1GB, not \"" + printable(huge.get(i).getPageSize()) + "\"");
            }
        }
        for (Map.Entry<String, String> e : r.getUnifiedMap().entrySet()) {
            if (!CGROUP_FILE.matcher(e.getKey()).matches()) {
                throw BerthException.invalid(prefix + ".unified", "key \"" + printable(e.getKey())
                        + "\" is not a cgroup file name");
            }
            noControlCharacters(prefix + ".unified[" + e.getKey() + "]", e.getValue());
        }
    }

    /** A DNS config written into the pod's resolv.conf, where a newline would add lines of its own. */
    public static void dns(String prefix, DNSConfig dns) {
        for (int i = 0; i < dns.getServersCount(); i++) {
            word(prefix + ".servers[" + i + "]", dns.getServers(i));
        }
        for (int i = 0; i < dns.getSearchesCount(); i++) {
            word(prefix + ".searches[" + i + "]", dns.getSearches(i));
        }
        for (int i = 0; i < dns.getOptionsCount(); i++) {
            word(prefix + ".options[" + i + "]", dns.getOptions(i));
        }
    }

    /**
     * A container's environment: runc refuses a NUL byte in a name or value, and a name holding {@code =} would
     * set another variable than the one it names.
     */
    public static void environment(String prefix, List<KeyValue> envs) {
        for (int i = 0; i < envs.size(); i++) {
            String key = envs.get(i).getKey();
            if (key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
                throw BerthException.invalid(prefix + "[" + i + "].key", "must not contain '=' or NUL: \""
                        + printable(key) + "\"");
            }
            if (envs.get(i).getValue().toStringUtf8().indexOf('\0') >= 0) {
                throw BerthException.invalid(prefix + "[" + i + "].value", "must not contain NUL bytes");
            }
        }
    }

    /** A value CNI plugins get in CNI_ARGS ({@code K=V;K=V}), where {@code ;} or {@code =} would break the list. */
    public static void cniArg(String field, String value) {
        if (value.indexOf(';') >= 0 || value.indexOf('=') >= 0) {
            throw BerthException.invalid(field, "must not contain ';' or '=', which CNI_ARGS cannot carry: \""
                    + printable(value) + "\"");
        }
        noControlCharacters(field, value);
    }

    /** An IPv4 or IPv6 address literal, as CNI's portmap plugin binds a host port to it. */
    public static void ipAddress(String field, String value) {
        boolean literal = IPV4.matcher(value).matches()
                || (value.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(value).matches() && isIpv6(value));
        if (!literal) {
            throw BerthException.invalid(field, "must be an IP address, not \"" + printable(value) + "\"");
        }
    }

    private static boolean isIpv6(String value) {
        try {
            // a string with ':' is parsed as a literal, never looked up; ::ffff:a.b.c.d answers an IPv4 address
            java.net.InetAddress.getByName(value);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A user or group id as the kernel takes it: 32 bits, without (uid_t) -1, which means "no change". */
    public static void id(String field, long value) {
        if (value < 0 || value > MAX_ID) {
            throw BerthException.invalid(field, "must be an id in 0.." + MAX_ID + ", not " + value);
        }
    }

    /**
     * A directory on the host that Berth may have to make: no name longer than the kernel's 255 bytes, and the
     * nearest part that exists already a directory (kubelet makes a pod's log directory before it runs the pod).
     */
    public static void hostDirectory(String field, String value) {
        absolute(field, value);
        Path path = Path.of(value);
        for (Path name : path) {
            if (name.toString().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw BerthException.invalid(field, "has a name longer than " + MAX_NAME_BYTES + " bytes");
            }
        }
        for (Path at = path; at != null; at = at.getParent()) {
            if (Files.exists(at)) {
                if (!Files.isDirectory(at)) {
                    throw BerthException.invalid(field, "cannot be a directory: " + printable(at.toString())
                            + " is not one");
                }
                return;
            }
        }
    }

    /** A pod's hostname, empty for the node's. */
    public static void hostname(String field, String value) {
        if (!value.isEmpty() && !HOSTNAME.matcher(value).matches()) {
            throw BerthException.invalid(field, "must be a hostname of letters, digits, inner hyphens and dots"
                    + " (RFC 1123), not \"" + printable(value) + "\"");
        }
    }

    /** A cgroup path under the hierarchies' roots: no {@code .} or {@code ..} segment, no control characters. */
    public static void cgroupPath(String field, String value) {
        for (String segment : value.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw BerthException.invalid(field, "must not have . or .. segments: \"" + printable(value) + "\"");
            }
        }
        noControlCharacters(field, value);
    }

    /** A single word: no whitespace or control characters (it lands in a line of a file Berth writes). */
    public static void word(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw BerthException.invalid(field, "must not contain whitespace or control characters: \""
                        + printable(value) + "\"");
            }
        }
    }

    /** A path inside a directory Berth owns or joins: relative, normal, and naming something below it. */
    public static void relativeFile(String field, String value) {
        if (value.startsWith("/") || value.endsWith("/")) {
            throw BerthException.invalid(field, "must be a relative file name, not \"" + printable(value) + "\"");
        }
        for (String part : value.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw BerthException.invalid(field, "must name a file below its directory, not \""
                        + printable(value) + "\"");
            }
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw BerthException.invalid(field, "has a name longer than " + MAX_NAME_BYTES + " bytes");
            }
        }
        noControlCharacters(field, value);
    }

    public static void absolute(String field, String value) {
        if (!value.startsWith("/")) {
            throw BerthException.invalid(field, "must be an absolute path, not \"" + printable(value) + "\"");
        }
        noControlCharacters(field, value);
    }

    /** Text without control characters, e.g. a name that becomes an argument of conmon, where NUL cannot go. */
    public static void noControlCharacters(String field, String value) {
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw BerthException.invalid(field, "must not contain control characters");
        }
    }

    private static void cpuList(String field, String value) {
        if (!value.isEmpty() && !CPU_LIST.matcher(value).matches()) {
            throw BerthException.invalid(field, "must be a list such as 0-3,5, not \"" + printable(value) + "\"");
        }
    }

    private static void unsetOrWithin(String field, long value, long min, long max) {
        if (value != 0 && (value < min || value > max)) {
            throw BerthException.invalid(field, "must be 0 (unset) or in " + min + ".." + max + ", not " + value);
        }
    }

    private static void notNegative(String field, long value) {
        atLeast(field, value, 0);
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw BerthException.invalid(field, "must be at least " + min + ", not " + value);
        }
    }
}

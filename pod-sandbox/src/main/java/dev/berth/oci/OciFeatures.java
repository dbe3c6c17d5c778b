package dev.berth.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.host.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the OCI runtime can do beyond the baseline every runc has, as {@code runc features} tells it and the kernel
 * allows: the CRI's optional per-handler features ({@code RuntimeHandlerFeatures}) follow from it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param recursiveReadOnly whether a mount may carry the {@code rro} option (read-only submounts too): runc lists it
 *                          among its mount options and the kernel has {@code mount_setattr(2)} (5.12 or later)
 * @param userNamespaces    whether runc creates user namespaces and idmapped mounts (runc 1.2 or later, which says
 *                          {@code linux.mountExtensions.idmap.enabled}): what a pod with its own user namespace
 *                          needs
 */
public record OciFeatures(boolean recursiveReadOnly, boolean userNamespaces) {

    private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.(\\d+).*");

    /** A runtime that says nothing about itself (runc before 1.1 has no {@code features} command). */
    public static OciFeatures none() {
        return new OciFeatures(false, false);
    }

    /**
     * The features of {@code runc features} output on a kernel of {@code kernelRelease}
     * ({@code /proc/sys/kernel/osrelease}, e.g. {@code 6.1.0-13-amd64}).
     *
     * @param featuresJson  the JSON runc printed; null, empty or malformed JSON means no features
     * @param kernelRelease the kernel's release; null or unreadable counts as too old for {@code rro}
     */
    public static OciFeatures parse(String featuresJson, String kernelRelease) {
        if (featuresJson == null || featuresJson.isBlank()) {
            return none();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(featuresJson);
        } catch (JsonProcessingException e) {
            return none();
        }
        if (root == null || !root.isObject()) {
            return none();
        }
        boolean rro = contains(root.path("mountOptions"), "rro") && kernelAtLeast(kernelRelease, 5, 12);
        // Kubernetes' user namespaces need both the namespace and idmapped mounts of the pod's volumes; runc says
        // "enabled" only where it was built with them (1.2 on)
        boolean userns = contains(root.path("linux").path("namespaces"), "user")
                && root.path("linux").path("mountExtensions").path("idmap").path("enabled").asBoolean(false);
        return new OciFeatures(rro, userns);
    }

    private static boolean contains(JsonNode array, String value) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode n : array) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    static boolean kernelAtLeast(String release, int major, int minor) {
        if (release == null) {
            return false;
        }
        Matcher m = RELEASE.matcher(release.strip());
        if (!m.matches()) {
            return false;
        }
        try {
            int haveMajor = Integer.parseInt(m.group(1));
            int haveMinor = Integer.parseInt(m.group(2));
            return haveMajor > major || (haveMajor == major && haveMinor >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

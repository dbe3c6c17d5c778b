package dev.berth.image;

import dev.berth.host.BerthException;
import java.util.regex.Pattern;

/**
 * A parsed, normalized image reference: {@code domain/path[:tag][@digest]}, following the
 * distribution reference grammar with Docker's defaults ({@code docker.io}, {@code library/},
 * {@code :latest}). When a digest is present the tag is dropped: the digest alone names the content.
 *
 * @param domain registry host, maybe with port; never null
 * @param path repository path inside the registry; never null
 * @param tag tag, or null when {@code digest} is set
 * @param digest {@code sha256:<hex>} or null
 */
record Reference(String domain, String path, String tag, String digest) {
    static final String DOCKER_DOMAIN = "docker.io";
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final String HOST_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + HOST_PART + "(?:\\." + HOST_PART + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final int MAX_NAME = 255;

    /** Parses {@code text}; throws {@link BerthException.InvalidArgument} if it is not a reference. */
    static Reference parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "empty");
        }
        String rest = text.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw invalid(text, "bad digest");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "bad tag");
            }
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT)))) {
            domain = first;
            path = rest.substring(slash + 1);
            if (!DOMAIN.matcher(domain).matches()) {
                throw invalid(text, "bad registry host");
            }
        } else {
            domain = DOCKER_DOMAIN;
            path = rest;
        }
        if (domain.equals("index.docker.io")) {
            domain = DOCKER_DOMAIN;
        }
        if (domain.equals(DOCKER_DOMAIN) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (!PATH.matcher(path).matches()) {
            throw invalid(text, path.equals(path.toLowerCase(java.util.Locale.ROOT))
                    ? "bad repository name" : "repository name must be lowercase");
        }
        if (domain.length() + 1 + path.length() > MAX_NAME) {
            throw invalid(text, "name longer than " + MAX_NAME);
        }
        if (digest != null) {
            tag = null;
        } else if (tag == null) {
            tag = "latest";
        }
        return new Reference(domain, path, tag, digest);
    }

    private static BerthException invalid(String text, String why) {
        return BerthException.invalidArgument("\"" + BerthException.printable(String.valueOf(text))
                + "\" is not an image reference: " + why);
    }

    /** {@code domain/path}. */
    String name() {
        return domain + "/" + path;
    }

    /** The tag or digest to ask the registry for. */
    String object() {
        return digest != null ? digest : tag;
    }

    /** {@code name@digest} for the given manifest digest. */
    String withDigest(String manifestDigest) {
        return name() + "@" + manifestDigest;
    }

    @Override
    public String toString() {
        return digest != null ? name() + "@" + digest : name() + ":" + tag;
    }
}

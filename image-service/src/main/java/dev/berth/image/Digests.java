package dev.berth.image;

import dev.berth.host.BerthException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** sha256 digest helpers. Stateless. */
final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String of(byte[] data) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(data));
    }

    static String format(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    /** Checks a digest is {@code sha256:<64 lowercase hex>} (the only algorithm accepted) and returns the hex. */
    static String hex(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw BerthException.failed("unsupported or malformed digest: " + digest);
        }
        return digest.substring("sha256:".length());
    }

    /** Chain ids of a layer stack: chain[0] = diff[0], chain[i] = sha256(chain[i-1] + " " + diff[i]). */
    static List<String> chainIds(List<String> diffIds) {
        String[] chain = new String[diffIds.size()];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = i == 0 ? diffIds.get(0)
                    : of((chain[i - 1] + " " + diffIds.get(i)).getBytes(StandardCharsets.US_ASCII));
        }
        return List.of(chain);
    }
}

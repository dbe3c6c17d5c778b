package dev.berth.image;

/**
 * Registry credentials as the CRI's AuthConfig carries them. Every field may be null or empty;
 * {@code auth} is {@code base64("user:pass")}. Immutable. {@link #toString()} never shows secrets.
 */
public record Credentials(String username, String password, String auth, String identityToken, String registryToken) {
    /** No credentials at all (anonymous). */
    public static final Credentials NONE = new Credentials(null, null, null, null, null);

    @Override
    public String toString() {
        return "Credentials[username=" + (username == null ? "" : username) + ", secrets=<redacted>]";
    }
}

package io.attribution.campaigns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Security tokens never travel past the edge in clear: ingest replaces the token a postback
 * carries with its SHA-256 digest, and the topology compares digests, in constant time.
 */
public final class SecurityToken {

    private static final String PREFIX = "sha256:";

    private SecurityToken() {
    }

    /** What ingest stores in place of the token the advertiser sent. */
    public static String digest(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether a stored digest is that of the campaign's token; constant time in the token. */
    public static boolean matchesDigest(String storedDigest, String campaignToken) {
        return campaignToken != null
                && sameDigest(storedDigest, digest(campaignToken).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a stored digest is the given one (a {@link #digest}'s UTF-8 bytes, computed once by a
     * caller that checks many postbacks against it); constant time.
     */
    public static boolean sameDigest(String storedDigest, byte[] digest) {
        return storedDigest != null && MessageDigest.isEqual(storedDigest.getBytes(StandardCharsets.UTF_8), digest);
    }

    /** Whether a token in clear is the campaign's; constant time, whatever the lengths. */
    public static boolean matches(String presented, String campaignToken) {
        if (presented == null || campaignToken == null) {
            return false;
        }
        // Comparing digests keeps the time independent of where the strings differ and of their length.
        return matchesDigest(digest(presented), campaignToken);
    }
}

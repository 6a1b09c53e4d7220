package io.attribution.topology;

import io.attribution.postback.PostbackParameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identifies a resent postback: the same parameters (whatever their order, query or body) for
 * the same click. Retries after a timeout look exactly like this, and must never count twice.
 */
final class Fingerprint {

    private Fingerprint() {
    }

    static String of(String clickId, PostbackParameters params) {
        Map<String, String> sorted = new TreeMap<>(params.flatten());
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        update(sha256, clickId);
        sorted.forEach((name, value) -> {
            update(sha256, name);
            update(sha256, value);
        });
        // 128 bits: collisions are out of reach for any postback volume.
        return HexFormat.of().formatHex(sha256.digest(), 0, 16);
    }

    /** Length-prefixed, so that ("ab","c") and ("a","bc") differ. */
    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update((byte) (bytes.length >>> 24));
        digest.update((byte) (bytes.length >>> 16));
        digest.update((byte) (bytes.length >>> 8));
        digest.update((byte) bytes.length);
        digest.update(bytes);
    }
}

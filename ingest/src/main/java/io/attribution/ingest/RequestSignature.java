package io.attribution.ingest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HMAC-SHA256 request signatures for campaigns with a signing secret.
 *
 * <pre>
 * X-Signature-Timestamp: 1764072000                      (unix seconds)
 * X-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "\n" + canonical request))
 * canonical request = METHOD "\n" path "\n" query "\n" hex(SHA-256(body))
 * query = the query parameters sorted by name then value, as name=value joined by "&amp;", undecoded
 * </pre>
 *
 * A signature is good within the tolerance around our clock, and only once: a captured request
 * replayed within the tolerance is refused (per ingest instance). Used means stored: a good
 * signature is claimed while its postback is being written, and given back when the postback
 * could not be stored (the advertiser was told 503, and resends the same request).
 */
final class RequestSignature {

    static final String SIGNATURE_HEADER = "X-Signature";
    static final String TIMESTAMP_HEADER = "X-Signature-Timestamp";
    private static final String PREFIX = "sha256=";

    private final Duration tolerance;
    private final Clock clock;
    /** Signatures claimed or used within the tolerance. */
    private final Map<String, Use> seen = new ConcurrentHashMap<>();
    private volatile Instant nextPurge = Instant.MIN;

    RequestSignature(Duration tolerance, Clock clock) {
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /**
     * A claim on the signature when it is good and new: settle it once the postback is stored or
     * is known not to be; otherwise why it is refused, or that a request with the same signature
     * is being stored right now.
     */
    Check verify(String secret, String method, String path, String rawQuery, byte[] body,
                 String timestampHeader, String signatureHeader) {
        if (timestampHeader == null || signatureHeader == null || !signatureHeader.startsWith(PREFIX)) {
            return Check.refused("missing " + SIGNATURE_HEADER + " or " + TIMESTAMP_HEADER);
        }
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(Long.parseLong(timestampHeader.strip()));
        } catch (RuntimeException e) {
            return Check.refused(TIMESTAMP_HEADER + " is not unix seconds");
        }
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
            return Check.refused("signature timestamp is outside the " + tolerance.toSeconds() + " s tolerance");
        }
        byte[] expected = sign(secret, timestampHeader.strip(), method, path, rawQuery, body)
                .getBytes(StandardCharsets.US_ASCII);
        String presented = signatureHeader.substring(PREFIX.length()).strip().toLowerCase();
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII))) {
            return Check.refused("signature does not match the request");
        }
        forgetExpired(now);
        Use claimed = new Use(signedAt.plus(tolerance), false);
        Use earlier = seen.putIfAbsent(presented, claimed);
        if (earlier == null) {
            return new Check(null, false, stored -> {
                if (stored) {
                    seen.put(presented, new Use(claimed.forgetAt(), true));
                } else {
                    seen.remove(presented, claimed);
                }
            });
        }
        return earlier.stored()
                ? Check.refused("signature already used (replay)")
                : new Check("a request with the same signature is being stored", true, Claim.NONE);
    }

    /**
     * What {@link #verify} found.
     *
     * @param problem  null when the signature is good and new
     * @param inFlight the same signature is being stored now: neither good nor a replay yet
     * @param claim    what to settle once the postback is stored, or known not to be
     */
    record Check(String problem, boolean inFlight, Claim claim) {

        static Check refused(String problem) {
            return new Check(problem, false, Claim.NONE);
        }
    }

    /** A good signature held while its postback is written: used once stored, given back otherwise. */
    interface Claim {

        /** For a request that claimed no signature. */
        Claim NONE = stored -> {
        };

        void settle(boolean stored);
    }

    /** A signature seen, with the time it may be forgotten (it is then outside the tolerance). */
    private record Use(Instant forgetAt, boolean stored) {
    }

    /** The hex signature of a request; what a client computes. */
    static String sign(String secret, String timestamp, String method, String path, String rawQuery, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String canonical = timestamp + "\n" + method + "\n" + path + "\n" + canonicalQuery(rawQuery) + "\n"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            return HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256 and SHA-256", e);
        }
    }

    /** Parameter order is not part of what is signed: proxies and client libraries reorder. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            sorted.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
        }
        StringBuilder canonical = new StringBuilder();
        sorted.forEach((name, values) -> values.stream().sorted().forEach(value -> {
            if (!canonical.isEmpty()) {
                canonical.append('&');
            }
            canonical.append(name).append('=').append(value);
        }));
        return canonical.toString();
    }

    /** At most once a second: the map holds every signature of the last tolerance period. */
    private void forgetExpired(Instant now) {
        if (now.isAfter(nextPurge)) {
            nextPurge = now.plusSeconds(1);
            seen.values().removeIf(use -> use.forgetAt().isBefore(now));
        }
    }
}

package io.attribution.ingest;

import java.util.Base64;

/**
 * click_ids the edge issues: 128 random bits as 22 characters of unpadded base64url, safe in a URL
 * and in any macro without encoding. The bits come from each thread's own DRBG, seeded from the
 * system ({@link RequestIds}): a click_id is what a postback names to claim a conversion, so it
 * must be unguessable, and one shared SecureRandom would queue every request thread on its lock.
 * At 128 bits, two equal ids among a trillion clicks have a chance below 10^-14.
 */
final class ClickIds {

    static final int LENGTH = 22;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ClickIds() {
    }

    static String next() {
        return BASE64URL.encodeToString(RequestIds.randomBytes(16));
    }
}

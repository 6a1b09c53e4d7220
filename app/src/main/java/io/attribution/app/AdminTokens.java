package io.attribution.app;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Admin tokens made up for the embedded default, so even a laptop demo is not an open door. */
final class AdminTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminTokens() {
    }

    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

package io.attribution.ingest;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * request_ids: random (version 4) UUIDs, like {@link UUID#randomUUID()}, which draws from one
 * SecureRandom for the whole process and so queues every request thread on its lock. Here each
 * thread has its own DRBG, seeded from the system: as unique and as hard to guess (122 random bits,
 * the id names a postback in the postback log), without the shared lock.
 */
final class RequestIds {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RequestIds::generator);

    private RequestIds() {
    }

    static String next() {
        byte[] bytes = randomBytes(16);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xff);
            low = (low << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(high, low).toString();
    }

    /** Bytes from this thread's DRBG: for any id that must be unique and unguessable (click ids too). */
    static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.get().nextBytes(bytes);
        return bytes;
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM since 9 has DRBG", e);
        }
    }
}

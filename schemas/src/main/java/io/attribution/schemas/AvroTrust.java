package io.attribution.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro (1.12.2+) loads a generated class by name only when it is trusted, to stop a schema from a
 * registry naming an arbitrary class. Our generated records (and their enums) must be trusted, or
 * decoding and builder defaults fail. Nothing outside {@code io.attribution.avro} is added.
 */
public final class AvroTrust {

    private static final String GENERATED_PACKAGE = "io.attribution.avro.";
    private static boolean registered;

    private AvroTrust() {
    }

    /** Idempotent; call before the first Avro record is built or read. */
    public static synchronized void register() {
        if (registered) {
            return;
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith(GENERATED_PACKAGE)));
        registered = true;
    }
}

package io.attribution.schemas;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes a record in the Confluent wire format (magic byte 0, the 4-byte content id, Avro binary),
 * the same bytes as {@link RegistrySerdes}' serializer, under a content id it is given: it never
 * calls the registry, so a {@code send} cannot wait on it.
 */
final class FramedAvroWriter<V extends SpecificRecord> {

    private static final byte MAGIC_BYTE = 0;

    private final String subject;
    private final DatumWriter<V> writer;

    FramedAvroWriter(String subject, Schema schema) {
        this.subject = subject;
        this.writer = new SpecificDatumWriter<>(schema);
    }

    /** The record's bytes under the given content id. */
    byte[] frame(long id, V record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt((int) id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write a record of " + subject + " as Avro", e);
        }
        return out.toByteArray();
    }

    /** Thrown instead of writing a record under an id the registry may not hold. */
    public static final class SchemaIdUnknownException extends SerializationException {
        SchemaIdUnknownException(String message) {
            super(message);
        }
    }
}

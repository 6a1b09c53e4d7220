package io.attribution.topology;

import io.attribution.schemas.RecordSerdes;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Plain Avro binary, no registry: lets TopologyTestDriver tests run without any server. */
final class BinaryAvroSerdes implements RecordSerdes {

    /** Values decoded so far, by type: what a test reads to tell how much state a step touched. */
    private final Map<Class<?>, LongAdder> decoded = new ConcurrentHashMap<>();

    long decoded(Class<? extends SpecificRecord> type) {
        LongAdder count = decoded.get(type);
        return count == null ? 0 : count.sum();
    }

    @Override
    public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        SpecificData model = SpecificData.getForClass(type);
        var schema = model.getSchema(type);
        SpecificDatumWriter<V> writer = new SpecificDatumWriter<>(schema, model);
        SpecificDatumReader<V> reader = new SpecificDatumReader<>(schema, schema, model);
        return Serdes.serdeFrom(
                (t, value) -> {
                    if (value == null) {
                        return null;
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                    try {
                        writer.write(value, encoder);
                        encoder.flush();
                    } catch (IOException e) {
                        throw new SerializationException(e);
                    }
                    return out.toByteArray();
                },
                (t, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    decoded.computeIfAbsent(type, counted -> new LongAdder()).increment();
                    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
                    try {
                        return reader.read(null, decoder);
                    } catch (IOException | RuntimeException e) {
                        throw new SerializationException("not an Avro " + type.getSimpleName(), e);
                    }
                });
    }
}

package io.attribution.schemas;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.WeakIdentityHashMap;

import java.util.Map;

/**
 * Apicurio's datum provider, keeping one reader and one writer per schema instead of making new
 * ones for every record: a new Avro reader works out how to read the writer's schema into the
 * reader's (schema comparisons, a resolving plan) before it reads anything. Each thread keeps its
 * own, so nothing is shared that was not shared before. Schemas are held weakly and by identity:
 * the ones Apicurio's cache lets go of are forgotten here too.
 */
public final class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    private final ThreadLocal<Map<Schema, DatumReader<T>>> readers = ThreadLocal.withInitial(WeakIdentityHashMap::new);
    private final ThreadLocal<Map<Schema, DatumWriter<T>>> specificWriters = ThreadLocal.withInitial(WeakIdentityHashMap::new);
    private final ThreadLocal<Map<Schema, DatumWriter<T>>> genericWriters = ThreadLocal.withInitial(WeakIdentityHashMap::new);

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        return readers.get().computeIfAbsent(schema, super::createDatumReader);
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        // The parent writes specific records with a specific writer and anything else with a generic one.
        Map<Schema, DatumWriter<T>> writers = (data instanceof SpecificRecord ? specificWriters : genericWriters).get();
        return writers.computeIfAbsent(schema, ignored -> super.createDatumWriter(data, schema));
    }
}

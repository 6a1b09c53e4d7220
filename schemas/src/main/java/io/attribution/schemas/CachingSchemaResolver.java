package io.attribution.schemas;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.config.DefaultSchemaResolverConfig;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's resolver, remembering what it resolved for a record's schema. Apicurio's own
 * resolver renders the record's schema as JSON and looks that text up in its cache for every
 * record it serializes, which costs more than writing the record itself. This one looks up the
 * topic, key-or-value and schema instead, and asks Apicurio again once Apicurio's own cache
 * period ({@code apicurio.registry.check-period-ms}) has passed, so it goes stale no later than
 * Apicurio's cache would. Apicurio still writes every record: the bytes do not change.
 */
public final class CachingSchemaResolver<S, T> extends DefaultSchemaResolver<S, T> {

    private final Map<Key, Resolved<S>> resolved = new ConcurrentHashMap<>();
    private volatile long lifetimeNanos;

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<S, T> schemaParser) {
        super.configure(configs, schemaParser);
        lifetimeNanos = new DefaultSchemaResolverConfig(configs).getCheckPeriod().toNanos();
    }

    @Override
    public SchemaLookupResult<S> resolveSchema(Record<T> data) {
        Optional<Key> key = Key.of(data);
        if (key.isEmpty()) {
            return super.resolveSchema(data);
        }
        long now = System.nanoTime();
        Resolved<S> known = resolved.get(key.get());
        if (known != null && now - known.at() < lifetimeNanos) {
            return known.result();
        }
        SchemaLookupResult<S> result = super.resolveSchema(data);
        resolved.put(key.get(), new Resolved<>(result, now));
        return result;
    }

    @Override
    public void reset() {
        resolved.clear();
        super.reset();
    }

    /** What the artifact and its schema depend on, whichever artifact strategy is configured. */
    private record Key(String topic, boolean isKey, Schema schema) {

        static Optional<Key> of(Record<?> data) {
            // An explicit artifact reference in the metadata, or a value without an Avro schema: Apicurio decides.
            if (data.metadata() instanceof KafkaSerdeMetadata metadata && metadata.artifactReference() == null
                    && data.payload() instanceof GenericContainer container) {
                return Optional.of(new Key(metadata.getTopic(), metadata.isKey(), container.getSchema()));
            }
            return Optional.empty();
        }
    }

    private record Resolved<S>(SchemaLookupResult<S> result, long at) {
    }
}

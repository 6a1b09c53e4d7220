package io.attribution.schemas;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.HashMap;
import java.util.Map;

/**
 * Avro serdes for the pipeline's topics, through a schema registry, in the Confluent wire format
 * (magic byte 0, 4-byte schema id, Avro binary) so any Confluent-compatible consumer pointed at the
 * registry's ccompat API can read what we write.
 */
public final class RegistrySerdes implements RecordSerdes {

    private final RegistryClientSettings registry;

    /** @param registryUrl the Apicurio core API, e.g. {@code http://127.0.0.1:8080/apis/registry/v2} */
    public RegistrySerdes(String registryUrl) {
        this(RegistryClientSettings.open(registryUrl));
    }

    /** @param registry the Apicurio core API and the credentials and TLS trust to call it with */
    public RegistrySerdes(RegistryClientSettings registry) {
        AvroTrust.register();
        this.registry = registry;
    }

    public String registryUrl() {
        return registry.url();
    }

    /** The registry and how to call it, for the product's own calls to it ({@link RegisteredSchema}). */
    public RegistryClientSettings registry() {
        return registry;
    }

    /**
     * The serde settings. The id written is the registry's content id, which is what its
     * Confluent-compatible API serves under {@code /schemas/ids/{id}}.
     */
    public Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>(registry.serdeConfig());
        config.putAll(ownConfig());
        return config;
    }

    private Map<String, Object> ownConfig() {
        return Map.ofEntries(
                Map.entry(SerdeConfig.REGISTRY_URL, registry.url()),
                // 4-byte ids as Confluent writes them (Apicurio's default is 8 bytes).
                Map.entry(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName()),
                Map.entry(SerdeConfig.USE_ID, "contentId"),
                Map.entry(SerdeConfig.ENABLE_HEADERS, false),
                Map.entry(SerdeConfig.AUTO_REGISTER_ARTIFACT, true),
                Map.entry(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true),
                // Schemas are cached once fetched; ride out a registry restart on the first lookup
                // instead of sending a good record to the dead-letter topic.
                Map.entry(SerdeConfig.RETRY_COUNT, 6),
                Map.entry(SerdeConfig.RETRY_BACKOFF_MS, 500),
                // Our schemas change only with a release: re-asking the registry every 30 s (the
                // default) stalled send() on the request path for seconds in the ingest benchmark.
                Map.entry(SerdeConfig.CHECK_PERIOD_MS, 3_600_000),
                // Same bytes as Apicurio's defaults, without their per-record schema rendering and reader set-up.
                Map.entry(SerdeConfig.SCHEMA_RESOLVER, CachingSchemaResolver.class.getName()),
                Map.entry(AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName()));
    }

    /** A configured value serde: Kafka does not configure serdes handed to client constructors. */
    @Override
    public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        AvroSerde<V> serde = new AvroSerde<>();
        serde.configure(config(), false);
        return serde;
    }
}

package io.attribution.schemas;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;

/**
 * Avro serdes for the pipeline's topics, through a schema registry, in the Confluent wire format
 * (magic byte 0, 4-byte schema id, Avro binary) so any Confluent-compatible consumer pointed at the
 * registry's ccompat API can read what we write.
 */
public final class RegistrySerdes implements RecordSerdes {

    private final String registryUrl;

    /** @param registryUrl the Apicurio core API, e.g. {@code http://127.0.0.1:8080/apis/registry/v2} */
    public RegistrySerdes(String registryUrl) {
        AvroTrust.register();
        this.registryUrl = registryUrl;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /**
     * The serde settings. The id written is the registry's content id, which is what its
     * Confluent-compatible API serves under {@code /schemas/ids/{id}}.
     */
    public Map<String, Object> config() {
        return Map.of(
                SerdeConfig.REGISTRY_URL, registryUrl,
                // 4-byte ids as Confluent writes them (Apicurio's default is 8 bytes).
                SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName(),
                SerdeConfig.USE_ID, "contentId",
                SerdeConfig.ENABLE_HEADERS, false,
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true,
                AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true,
                // Schemas are cached once fetched; ride out a registry restart on the first lookup
                // instead of sending a good record to the dead-letter topic.
                SerdeConfig.RETRY_COUNT, 6,
                SerdeConfig.RETRY_BACKOFF_MS, 500,
                // Same bytes as Apicurio's defaults, without their per-record schema rendering and reader set-up.
                SerdeConfig.SCHEMA_RESOLVER, CachingSchemaResolver.class.getName(),
                AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
    }

    /** A configured value serde: Kafka does not configure serdes handed to client constructors. */
    @Override
    public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        AvroSerde<V> serde = new AvroSerde<>();
        serde.configure(config(), false);
        return serde;
    }
}

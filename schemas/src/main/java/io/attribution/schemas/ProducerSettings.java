package io.attribution.schemas;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/**
 * The one place every producer of the product gets its guarantees: a record counts as written once
 * every in-sync replica has it ({@code acks=all}), and a retried send never writes it twice
 * (idempotence). A producer may tune the rest (batching, timeouts), never these.
 */
public final class ProducerSettings {

    private ProducerSettings() {
    }

    public static Map<String, Object> safe(String bootstrapServers, String clientId) {
        return safe(bootstrapServers, clientId, Map.of());
    }

    /** @param tuning producer settings of the caller's own; the guarantees are applied over them */
    public static Map<String, Object> safe(String bootstrapServers, String clientId, Map<String, Object> tuning) {
        return safe(KafkaClientSettings.plaintext(bootstrapServers), clientId, tuning);
    }

    public static Map<String, Object> safe(KafkaClientSettings cluster, String clientId) {
        return safe(cluster, clientId, Map.of());
    }

    /**
     * @param cluster the bootstrap servers and the operator's connection settings (TLS, SASL)
     * @param tuning  producer settings of the caller's own; the guarantees are applied over them
     */
    public static Map<String, Object> safe(KafkaClientSettings cluster, String clientId, Map<String, ?> tuning) {
        Map<String, Object> config = cluster.client(tuning);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }
}

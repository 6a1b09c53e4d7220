package io.attribution.embedded.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attribution.embedded.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kit's SASL_SSL broker: its SCRAM user gets in over TLS, the KafkaSQL registry too with the same client settings,
 * a wrong password and plaintext do not.
 */
class SaslSslBrokerIT {

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.saslSslBroker();

    @Test
    void theScramUserWritesAndReadsOverTls() throws Exception {
        kit.createTopics(1, "secured");
        Map<String, Object> config = new HashMap<>(kit.clientConfig());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("secured", "k", "v")).get(30, TimeUnit.SECONDS);
        }

        assertThat(kit.readAll("secured", new StringDeserializer(), new StringDeserializer()))
                .singleElement().satisfies(record -> assertThat(record.value()).isEqualTo("v"));
        assertThat(kit.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void aKafkaSqlRegistryKeepsItsSchemasThereWithTheClientsSettings() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startKafkaSql(kit.bootstrapServers(),
                kit.clientConfig(), 0)) {
            // Ready only once its journal is read back: it reached the broker over SASL_SSL.
            assertThat(registry.isRunning()).isTrue();
        }
        assertThat(kit.readAll(EmbeddedSchemaRegistry.KAFKASQL_JOURNAL_TOPIC, new StringDeserializer(),
                new StringDeserializer())).as("what the registry wrote to its journal").isNotEmpty();
    }

    @Test
    void aWrongPasswordIsRefusedAtOnce() {
        Map<String, Object> config = new HashMap<>(kit.clientConfig());
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"pipeline\" password=\"wrong\";");
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
        long startedAt = System.nanoTime();
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(10));
    }
}

package io.attribution.app;

import io.attribution.schemas.KafkaClientSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka and registry client settings as an operator gives them: a properties file and the environment. */
class KafkaClientEnvironmentTest {

    @Test
    void kafkaVariablesBecomeClientSettingsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pipeline.properties"), """
                kafka.bootstrap.servers=broker:9093
                kafka.security.protocol=SSL
                kafka.ssl.truststore.location=/etc/kafka/truststore.p12
                registry.auth.username=pipeline
                registry.auth.password=from-file
                """);

        PipelineSettings settings = PipelineSettings.load(Optional.of(file), Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "REGISTRY_AUTH_PASSWORD", "from-env"));

        KafkaClientSettings kafka = settings.kafkaClients("broker:9093");
        assertThat(kafka.settings()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12").hasSize(4);
        assertThat(settings.registryClient("https://r/apis/registry/v2").serdeConfig())
                .containsEntry("apicurio.auth.username", "pipeline").containsEntry("apicurio.auth.password", "from-env");
        assertThat(settings.asMap()).containsEntry("kafka.sasl.jaas.config", "***")
                .containsEntry("registry.auth.password", "***").containsEntry("kafka.security.protocol", "SASL_SSL");
    }

    @Test
    void aGuaranteeInTheEnvironmentIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> PipelineSettings.load(Optional.empty(), Map.of("KAFKA_ACKS", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("environment variable KAFKA_ACKS: the Kafka client setting acks is fixed");
        assertThatThrownBy(() -> PipelineSettings.load(Optional.empty(), Map.of("KAFKA_ISOLATION_LEVEL", "read_uncommitted")))
                .hasMessageContaining("isolation.level is fixed");
    }

    @Test
    void anUnknownKafkaKeyInTheFileIsRefusedNamingTheFileAndKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pipeline.properties"), "kafka.sasl.mechanism=PLAIN\nkafka.linger.ms=5\n");

        assertThatThrownBy(() -> PipelineSettings.load(Optional.of(file), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.linger.ms in " + file)
                .hasMessageContaining("is not one the pipeline passes to its clients");
    }

    @Test
    void halfARegistryLoginFailsTheLoad() {
        assertThatThrownBy(() -> PipelineSettings.load(Optional.empty(), Map.of("REGISTRY_AUTH_USERNAME", "pipeline")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.password missing");
    }
}

package io.attribution.schemas;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"u\" password=\"p\";";

    private final KafkaClientSettings secured = KafkaClientSettings.of("broker:9093", Map.of(
            "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
            "ssl.truststore.location", "/etc/kafka/truststore.p12", "ssl.truststore.password", "changeit"));

    @Test
    void everyClientGetsTheOperatorsSettingsAndTheProducerKeepsItsGuarantees() {
        Map<String, Object> producer = ProducerSettings.safe(secured, "p", Map.of("linger.ms", 2));

        assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("bootstrap.servers", "broker:9093").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true).containsEntry("linger.ms", 2).containsEntry("client.id", "p");
        assertThat(secured.consumer("c", Map.of())).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false).containsEntry("ssl.truststore.location",
                        "/etc/kafka/truststore.p12");
        assertThat(secured.client(Map.of("request.timeout.ms", 2000))).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("request.timeout.ms", 2000);
    }

    @Test
    void aGuaranteeIsRefusedByName() {
        for (String fixed : new String[] {"acks", "enable.idempotence", "isolation.level", "processing.guarantee",
                "enable.auto.commit", "transactional.id"}) {
            assertThatThrownBy(() -> KafkaClientSettings.of("b:1", Map.of(fixed, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Kafka client setting " + fixed + " is fixed")
                    .hasMessageContaining("cannot be changed");
        }
    }

    @Test
    void aKeyOffTheAllowlistIsRefusedNamingWhatIsAllowed() {
        assertThatThrownBy(() -> KafkaClientSettings.of("b:1", Map.of("linger.ms", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger.ms is not one the pipeline passes")
                .hasMessageContaining("sasl.*").hasMessageContaining("security.protocol");
        assertThat(KafkaClientSettings.problem("ssl.endpoint.identification.algorithm")).isEmpty();
        assertThat(KafkaClientSettings.problem("client.dns.lookup")).isEmpty();
    }

    @Test
    void secretsAreMasked() {
        assertThat(secured.masked()).containsEntry("sasl.jaas.config", "***")
                .containsEntry("ssl.truststore.password", "***").containsEntry("security.protocol", "SASL_SSL");
        assertThat(secured.toString()).doesNotContain("changeit").doesNotContain("password=\"p\"");
        assertThat(KafkaClientSettings.isSecret("ssl.keystore.key")).isTrue();
        assertThat(KafkaClientSettings.isSecret("ssl.key.password")).isTrue();
        assertThat(KafkaClientSettings.isSecret("registry.auth.client.secret")).isTrue();
    }
}

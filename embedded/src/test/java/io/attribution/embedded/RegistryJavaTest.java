package io.attribution.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryJavaTest {

    @TempDir
    Path jdks;

    @Test
    void readsTheFeatureVersionOfAJdkFromItsReleaseFile() throws IOException {
        assertThat(RegistryJava.featureOf(jdk("temurin-25", "25.0.3"))).contains(25);
        assertThat(RegistryJava.featureOf(jdk("openjdk-17", "17.0.15"))).contains(17);
        assertThat(RegistryJava.featureOf(jdk("early-access", "26-ea"))).contains(26);
        // Java 8 and older wrote 1.x: below any version asked for.
        assertThat(RegistryJava.featureOf(jdk("openjdk-8", "1.8.0_292"))).contains(1);
        assertThat(RegistryJava.featureOf(jdks.resolve("no-release-file"))).isEmpty();
    }

    @Test
    void theKafkaSqlRegistryRunsOnAJavaNewEnoughForIt() throws IOException {
        Path java = RegistryJava.atLeast(KafkaSqlSettings.JAVA_FEATURE);
        Path home = java.getParent().getParent();

        assertThat(java).isExecutable();
        assertThat(RegistryJava.featureOf(home)).hasValueSatisfying(
                feature -> assertThat(feature).isGreaterThanOrEqualTo(KafkaSqlSettings.JAVA_FEATURE));
    }

    @Test
    void theClusterSettingsReachEveryKafkaClientOfTheRegistry() {
        assertThat(KafkaSqlSettings.of("kafka-1:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.jaas.config", "secret")))
                .containsEntry("apicurio.storage.kind", "kafkasql")
                .containsEntry("apicurio.kafkasql.bootstrap.servers", "kafka-1:9093")
                .containsEntry("apicurio.kafkasql.topic", EmbeddedSchemaRegistry.KAFKASQL_JOURNAL_TOPIC)
                .containsEntry("apicurio.kafka.common.security.protocol", "SASL_SSL")
                .containsEntry("apicurio.kafka.common.sasl.jaas.config", "secret");
    }

    private Path jdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(jdks.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"someone\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}

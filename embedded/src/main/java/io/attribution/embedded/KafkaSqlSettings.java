package io.attribution.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * The settings file of a registry that keeps its schemas in Kafka (Apicurio 3, KafkaSQL storage): the storage kind,
 * the cluster, the topic, and the cluster's client settings for every Kafka client the registry makes
 * ({@code apicurio.kafka.common.*}). Readable by its owner only: the client settings may hold a password.
 */
final class KafkaSqlSettings {

    /** Apicurio's own default, named here so the operator knows which topic holds the schemas. */
    static final String JOURNAL_TOPIC = "kafkasql-journal";
    /** Apicurio Registry 3 is built for Java 21. */
    static final int JAVA_FEATURE = 21;

    private KafkaSqlSettings() {
    }

    static Map<String, String> of(String bootstrapServers, Map<String, String> kafkaClientConfig) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("apicurio.storage.kind", "kafkasql");
        settings.put("apicurio.kafkasql.bootstrap.servers", bootstrapServers);
        settings.put("apicurio.kafkasql.topic", JOURNAL_TOPIC);
        // Its start reads the journal's first records and the snapshots topic, each until a poll comes back empty:
        // at the default 5 s a poll, 20 s of a 26 s start went to waiting on empty polls. A poll that comes back
        // empty too soon only skips a snapshot, and the journal (kept forever, which Apicurio enforces) is then
        // replayed from its start: the same schemas, read a little longer.
        settings.put("apicurio.kafkasql.consumer.poll.timeout", "500");
        kafkaClientConfig.forEach((key, value) -> settings.put("apicurio.kafka.common." + key, value));
        return settings;
    }

    /** Writes the settings to a new file that only this user can read, for {@code quarkus.config.locations}. */
    static Path write(String bootstrapServers, Map<String, String> kafkaClientConfig) {
        Properties properties = new Properties();
        properties.putAll(of(bootstrapServers, kafkaClientConfig));
        try {
            Path file = Files.createTempFile("embedded-registry-", ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(out, "Apicurio Registry with KafkaSQL storage, started by EmbeddedSchemaRegistry");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded registry's settings", e);
        }
    }
}

package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry of docker-compose.yml (Apicurio 3, schemas kept in a Kafka topic) keeps every schema under the id it
 * had across a restart, with our serdes (Apicurio 2.6, Confluent wire format with content ids) unchanged: what was
 * written before still decodes with the schema it was written with, through our serdes and through the
 * Confluent-compatible API as any Confluent consumer reads it; registering the schemas again finds the same ids,
 * and records written after the restart carry them.
 */
class KafkaSqlRegistryRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSqlRegistryRestartIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.kafkaSqlRegistry();

    @Test
    void everyRecordWrittenBeforeARestartStillDecodesAndTheSchemasKeepTheirIds() throws Exception {
        kit.createTopics(1, Topics.CLICKS.name(), Topics.CAMPAIGNS.name());
        List<Click> clicks = DemoData.clicks();
        List<Campaign> campaigns = DemoData.campaigns();
        write(Topics.CLICKS, clicks, Click::getClickId);
        write(Topics.CAMPAIGNS, campaigns, Campaign::getCampaignId);
        Map<String, Integer> idsBefore = Map.of(
                Topics.CLICKS.name(), singleIdOn(Topics.CLICKS.name()),
                Topics.CAMPAIGNS.name(), singleIdOn(Topics.CAMPAIGNS.name()));
        assertThat(idsBefore.values()).as("one schema, one id, per topic").doesNotHaveDuplicates();
        Map<Integer, String> servedBefore = servedSchemas(idsBefore.values());

        long restartedAt = System.nanoTime();
        kit.restartRegistry();
        LOG.info("Registry restarted (stopped, started, journal read) in {} ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt));

        // Our serdes, new ones with nothing cached: every record as it was written.
        assertThat(readWithNewSerdes(Topics.CLICKS)).isEqualTo(clicks);
        assertThat(readWithNewSerdes(Topics.CAMPAIGNS)).isEqualTo(campaigns);
        // A Confluent-compatible consumer: the id resolves at the ccompat API to the very schema it was written with.
        assertDecodesAsConfluentReaderWould(Topics.CLICKS, clicks.size());
        assertDecodesAsConfluentReaderWould(Topics.CAMPAIGNS, campaigns.size());
        assertThat(servedSchemas(idsBefore.values())).isEqualTo(servedBefore);
        assertThat(subjects()).contains(Topics.CLICKS.name() + "-value", Topics.CAMPAIGNS.name() + "-value");

        // Registering again, as ingest does at every start, finds the schema under the id it had.
        assertThat(registeredAgain(Topics.CLICKS)).isEqualTo(idsBefore.get(Topics.CLICKS.name()).longValue());
        assertThat(registeredAgain(Topics.CAMPAIGNS)).isEqualTo(idsBefore.get(Topics.CAMPAIGNS.name()).longValue());
        // Records written after the restart, by a serializer with nothing cached, carry the same ids.
        write(Topics.CLICKS, clicks, Click::getClickId);
        write(Topics.CAMPAIGNS, campaigns, Campaign::getCampaignId);
        assertThat(singleIdOn(Topics.CLICKS.name())).isEqualTo(idsBefore.get(Topics.CLICKS.name()));
        assertThat(singleIdOn(Topics.CAMPAIGNS.name())).isEqualTo(idsBefore.get(Topics.CAMPAIGNS.name()));
    }

    /** Writes the records with a new serializer (so it registers or looks up the schema itself). */
    private static <V extends SpecificRecord> void write(Topic<V> topic, List<V> records, Function<V, String> key) {
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                ProducerSettings.safe(kit.bootstrapServers(), kit.uniqueId("registry-restart")),
                new StringSerializer(), serdes.valueSerde(topic.valueType()).serializer())) {
            for (V record : records) {
                producer.send(new ProducerRecord<>(topic.name(), key.apply(record), record));
            }
            producer.flush();
        }
    }

    /** The schema id every record on the topic carries (Confluent wire format: magic byte 0, 4-byte id). */
    private static int singleIdOn(String topic) {
        Set<Integer> ids = kit.readAll(topic, new StringDeserializer(), new ByteArrayDeserializer()).stream()
                .map(record -> {
                    ByteBuffer bytes = ByteBuffer.wrap(record.value());
                    assertThat(bytes.get()).as("magic byte").isZero();
                    return bytes.getInt();
                })
                .collect(Collectors.toSet());
        assertThat(ids).as("schema ids on %s", topic).hasSize(1);
        return ids.iterator().next();
    }

    private static <V extends SpecificRecord> List<V> readWithNewSerdes(Topic<V> topic) {
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        return kit.readAll(topic.name(), new StringDeserializer(), serdes.valueSerde(topic.valueType()).deserializer())
                .stream().map(ConsumerRecord::value).toList();
    }

    private static void assertDecodesAsConfluentReaderWould(Topic<?> topic, int records) throws Exception {
        ConfluentWireDecoder decoder = new ConfluentWireDecoder(kit.confluentCompatUrl());
        Schema writerSchema = SpecificData.get().getSchema(topic.valueType());
        List<ConsumerRecord<String, byte[]>> written =
                kit.readAll(topic.name(), new StringDeserializer(), new ByteArrayDeserializer());
        assertThat(written).hasSize(records);
        for (ConsumerRecord<String, byte[]> record : written) {
            GenericRecord decoded = decoder.decode(record.value());
            assertThat(decoded.getSchema()).isEqualTo(writerSchema);
            assertThat(decoded.get(topic.keyField())).hasToString(record.key());
        }
    }

    /** The schema text the ccompat API serves under each id. */
    private static Map<Integer, String> servedSchemas(Iterable<Integer> ids) throws Exception {
        Map<Integer, String> served = new TreeMap<>();
        for (int id : ids) {
            served.put(id, ccompat("/schemas/ids/" + id).get("schema").asText());
        }
        return served;
    }

    private static List<String> subjects() throws Exception {
        return JSON.convertValue(ccompat("/subjects"), JSON.getTypeFactory().constructCollectionType(List.class,
                String.class));
    }

    private static JsonNode ccompat(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(kit.confluentCompatUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Registers the topic's value schema as ingest does on start; the content id the registry answers with. */
    private static long registeredAgain(Topic<?> topic) throws InterruptedException {
        try (RegisteredSchema<?> schema = RegisteredSchema.start(kit.registryUrl(), topic, Duration.ofSeconds(5),
                Duration.ofMinutes(10))) {
            assertThat(schema.awaitFirstCheck()).as("registered %s", topic).isTrue();
            return schema.contentId().orElseThrow();
        }
    }
}

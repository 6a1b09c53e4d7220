package io.attribution.embedded.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's promises to the classes that share its broker: their topics, a clean broker after them, the registry. */
class KafkaKitIT {

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void afterAClassEveryTopicButTheBrokersOwnIsGoneAndItsNameFreeAgain() throws Exception {
        KafkaKit previousClass = KafkaKit.shared();
        previousClass.beforeAll();
        assertThat(previousClass.bootstrapServers()).as("one broker for both").isEqualTo(kit.bootstrapServers());
        previousClass.createTopics(3, "kit-orders", "kit-payments");
        previousClass.createCompactedTopics(1, "kit-customers");
        try (Admin admin = admin()) {
            // As Kafka Streams creates its internal topics: not through the kit.
            admin.createTopics(List.of(new NewTopic("kit-app-store-changelog", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "kit-customers")))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next()
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            // A group commit, so that the broker has an internal topic of its own to keep.
            String group = previousClass.uniqueId("kit-group");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, group), new StringDeserializer(), new StringDeserializer())) {
                TopicPartition orders = new TopicPartition("kit-orders", 0);
                consumer.assign(List.of(orders));
                consumer.commitSync(Map.of(orders, new OffsetAndMetadata(0)));
            }

            previousClass.afterAll();

            assertThat(topicsOnTheBroker(admin)).isNotEmpty().allSatisfy(topic -> assertThat(topic).startsWith("__"));
            kit.createTopics(1, "kit-orders");
            TopicDescription recreated = admin.describeTopics(List.of("kit-orders")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("kit-orders");
            assertThat(recreated.partitions()).as("a new topic, not the old one").hasSize(1);
        }
    }

    @Test
    void aClassStartsOnAnEmptyBrokerEvenWhenTheOneBeforeItLeftTopics() throws Exception {
        // As if this class were the one before and its afterAll never ran.
        kit.createTopics(1, "kit-left-over");

        KafkaKit nextClass = KafkaKit.shared();
        nextClass.beforeAll();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                nextClass.bootstrapServers()))) {
            assertThat(topicsOnTheBroker(admin)).allSatisfy(topic -> assertThat(topic).startsWith("__"));
        } finally {
            nextClass.afterAll();
        }
    }

    @Test
    void readAllReturnsTheCommittedRecordsWithoutWaitingForAnOpenTransaction() throws Exception {
        kit.createTopics(2, "kit-read-all");
        try (KafkaProducer<String, String> plain = producer(Map.of());
             KafkaProducer<String, String> aborted = producer(Map.of(
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, kit.uniqueId("kit-aborted")));
             KafkaProducer<String, String> open = producer(Map.of(
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, kit.uniqueId("kit-open")))) {
            plain.send(new ProducerRecord<>("kit-read-all", 0, "a", "first")).get();
            plain.send(new ProducerRecord<>("kit-read-all", 1, "b", "second")).get();
            aborted.initTransactions();
            aborted.beginTransaction();
            aborted.send(new ProducerRecord<>("kit-read-all", 0, "c", "aborted")).get();
            aborted.abortTransaction();
            open.initTransactions();
            open.beginTransaction();
            open.send(new ProducerRecord<>("kit-read-all", 1, "d", "open")).get();

            List<ConsumerRecord<String, String>> records =
                    kit.readAll("kit-read-all", new StringDeserializer(), new StringDeserializer());

            assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("first", "second");
            open.abortTransaction();
        }
    }

    @Test
    void theRegistryAnswersOnBothApis() throws Exception {
        assertThat(get(kit.registryUrl() + "/system/info").statusCode()).isEqualTo(200);
        assertThat(get(kit.confluentCompatUrl() + "/subjects").statusCode()).isEqualTo(200);
        assertThat(kit.registryProcess().isAlive()).isTrue();
    }

    @Test
    void onlyAnOwnBrokerMayBeStopped() {
        assertThatThrownBy(kit::stopBroker).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void uniqueIdsDiffer() {
        assertThat(kit.uniqueId("app")).startsWith("app-").isNotEqualTo(kit.uniqueId("app"));
    }

    private static Set<String> topicsOnTheBroker(Admin admin) throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package io.attribution.app;

import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clicks and postbacks written to explicitly wrong partitions, as a click tracker on librdkafka's
 * default partitioner (CRC32 of the key) writes them, still meet on a real broker: each postback
 * is attributed exactly once, its resend on the other path is a duplicate, and the query API finds
 * the misplaced clicks.
 */
class MisplacedInputIT {

    private static final int PARTITIONS = 3;
    private static final int CLICKS_PER_GROUP = 10;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @TempDir
    static Path stateDir;

    private static Pipeline pipeline;
    private static RegistrySerdes serdes;

    /** How each click and its postbacks are written; every postback is resent once on the other path. */
    private enum Group {
        CLICK_MISPLACED(true, false),
        POSTBACK_MISPLACED(false, true),
        BOTH_MISPLACED(true, true);

        final boolean clickMisplaced;
        final boolean postbackMisplaced;

        Group(boolean clickMisplaced, boolean postbackMisplaced) {
            this.clickMisplaced = clickMisplaced;
            this.postbackMisplaced = postbackMisplaced;
        }
    }

    @BeforeAll
    static void startTopology() throws Exception {
        TopicProvisioner.ensureTopics(kit.bootstrapServers(), PARTITIONS, (short) 1);
        serdes = new RegistrySerdes(kit.registryUrl());
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), serdes)) {
            campaigns.put(DemoData.campaign());
        }
        // A misplaced click comes round a commit later: a grace of seconds, which a loaded machine could miss.
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, stateDir, "misplaced-input-it")
                .with(PipelineSettings.TOPOLOGY_UNKNOWN_CLICK_GRACE_MS, "30000");
        pipeline = Pipeline.start(settings, EnumSet.of(Pipeline.Part.TOPOLOGY), false);
    }

    @AfterAll
    static void stopTopology() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void clicksAndPostbacksOnWrongPartitionsAreAttributedExactlyOnce() throws Exception {
        Map<String, List<String>> requestsByClick = new LinkedHashMap<>();
        List<String> misplacedClicks = new ArrayList<>();
        int misplacedRecords = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            int n = 0;
            for (Group group : Group.values()) {
                for (int i = 0; i < CLICKS_PER_GROUP; i++, n++) {
                    String clickId = "misplaced-it-" + group.name().toLowerCase() + "-" + i;
                    int home = murmur2Partition(clickId);
                    int clickPartition = group.clickMisplaced ? librdkafkaPartition(clickId) : home;
                    // Both misplaced: the postback on the third partition, neither the click's nor its own.
                    int postbackPartition = !group.postbackMisplaced ? home
                            : group.clickMisplaced ? 3 - home - clickPartition : librdkafkaPartition(clickId);
                    RawPostback original = postback(clickId);
                    RawPostback resend = postback(clickId);
                    requestsByClick.put(clickId, List.of(original.getRequestId(), resend.getRequestId()));
                    // Every other click comes after its postbacks: trackers race.
                    boolean clickFirst = n % 2 == 0;
                    if (clickFirst) {
                        send(producer, Topics.CLICKS.name(), clickPartition, clickId, click(clickId));
                    }
                    send(producer, Topics.POSTBACKS_RAW.name(), postbackPartition, clickId, original);
                    send(producer, Topics.POSTBACKS_RAW.name(), group.postbackMisplaced ? home
                            : librdkafkaPartition(clickId), clickId, resend);
                    if (!clickFirst) {
                        send(producer, Topics.CLICKS.name(), clickPartition, clickId, click(clickId));
                    }
                    misplacedRecords += (group.clickMisplaced ? 1 : 0) + 1;
                    if (group.clickMisplaced) {
                        misplacedClicks.add(clickId);
                    }
                }
            }
            producer.flush();
        }

        Map<String, List<String>> outcomes = awaitOutcomes(CLICKS_PER_GROUP * Group.values().length * 2);
        requestsByClick.forEach((clickId, requests) -> assertThat(requests.stream()
                .map(request -> outcomes.get(request)).toList())
                .as("outcomes of the postback and its resend for %s", clickId)
                .containsExactlyInAnyOrder(List.of("ATTRIBUTED"), List.of(RejectionReason.DUPLICATE_CONVERSION.name())));

        URI query = pipeline.queryUri().orElseThrow();
        for (String clickId : misplacedClicks) {
            HttpResponse<String> click = HTTP.send(HttpRequest.newBuilder(query.resolve("/clicks/" + clickId))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(click.statusCode()).as("/clicks/%s: %s", clickId, click.body()).isEqualTo(200);
        }
        int expectedMisplaced = misplacedRecords;
        await("every misplaced record counted once").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(misplacedInputTotal()).isEqualTo(expectedMisplaced));
    }

    /** Request id -> the outcomes seen for it (ATTRIBUTED or the rejection reason), once each request has one. */
    private static Map<String, List<String>> awaitOutcomes(int expected) {
        Map<String, List<String>> outcomes = new HashMap<>();
        await("an outcome for every postback").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    outcomes.clear();
                    kit.readAll(Topics.CONVERSIONS_ATTRIBUTED.name(), new StringDeserializer(),
                                    serdes.valueDeserializer(Topics.CONVERSIONS_ATTRIBUTED))
                            .forEach(record -> outcomes.computeIfAbsent(record.value().getRequestId(),
                                    id -> new ArrayList<>()).add("ATTRIBUTED"));
                    kit.readAll(Topics.CONVERSIONS_REJECTED.name(), new StringDeserializer(),
                                    serdes.valueDeserializer(Topics.CONVERSIONS_REJECTED))
                            .forEach(record -> outcomes.computeIfAbsent(record.value().getRequestId(),
                                    id -> new ArrayList<>()).add(record.value().getReason().name()));
                    assertThat(outcomes).hasSize(expected);
                });
        return outcomes;
    }

    /** {@code kafka_streams_attribution_misplaced_input_total}, summed over the tasks, as scraped. */
    private static double misplacedInputTotal() throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(pipeline.managementUri().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(line -> line.startsWith("kafka_streams_attribution_misplaced_input_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Where Kafka's Java producer, ingest, and the query API put a click id. */
    private static int murmur2Partition(String clickId) {
        return Utils.toPositive(Utils.murmur2(clickId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /**
     * Where librdkafka's default partitioner ({@code consistent_random}: CRC32 of the key) puts it,
     * or the next partition when the two happen to agree, so that it is always another one.
     */
    private static int librdkafkaPartition(String clickId) {
        CRC32 crc = new CRC32();
        crc.update(clickId.getBytes(StandardCharsets.UTF_8));
        int partition = (int) (crc.getValue() % PARTITIONS);
        int home = murmur2Partition(clickId);
        return partition != home ? partition : (home + 1) % PARTITIONS;
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, int partition, String key,
                             Object value) {
        byte[] bytes = value instanceof Click click ? serdes.valueSerializer(Topics.CLICKS).serialize(topic, click)
                : serdes.valueSerializer(Topics.POSTBACKS_RAW).serialize(topic, (RawPostback) value);
        producer.send(new ProducerRecord<>(topic, partition, key, bytes));
    }

    private static Click click(String clickId) {
        return Click.newBuilder().setClickId(clickId).setCampaignId(DemoData.CAMPAIGN_ID).setAffiliateId("aff-9")
                .setClickedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    /** As ingest writes it, with the same parameters every time for a click: a resend is identical. */
    private static RawPostback postback(String clickId) {
        return RawPostback.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setReceivedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setClickId(clickId)
                .setMethod("GET")
                .setQueryParams(Map.of("click_id", List.of(clickId), "goal_value", List.of("install"),
                        "txn_id", List.of("order-" + clickId)))
                .setBodyParams(Map.of())
                .setRemoteAddr("203.0.113.9")
                .build();
    }
}

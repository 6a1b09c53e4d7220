package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PayoutType;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy or hostile click_id on a real broker with its default record size limit (1 MiB): ten
 * thousand postbacks with large parameters on one click, written straight to postbacks.raw as any
 * producer may (past ingest's bound on parameters). The topology must keep running, give each
 * postback one outcome (attributed up to the click's bound, LIMIT_EXCEEDED after it, MALFORMED for
 * parameters over a postback's bound), attribute the other clicks, and answer queries about the
 * hot click. Without the bounds, the click's ledger grew past 1 MiB and the client went to ERROR.
 */
class HotClickIT {

    private static final Logger LOG = LoggerFactory.getLogger(HotClickIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CAMPAIGN = "hot-campaign";
    private static final int HOT_POSTBACKS = 10_000;
    /** One in this many hot postbacks carries parameters over a postback's bound. */
    private static final int OVERSIZED_EVERY = 5;
    private static final int COLD_CLICKS = 50;
    private static final Duration OUTCOMES_WITHIN = Duration.ofMinutes(8);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static Pipeline pipeline;

    @BeforeAll
    static void startPipeline() throws Exception {
        Path stateDir = Files.createTempDirectory("hot-click-it");
        pipeline = Pipeline.start(PipelineSettingsOnKit.of(kit, stateDir, "hot-click-it"),
                EnumSet.of(Pipeline.Part.TOPOLOGY), false);
        Goal install = Goal.newBuilder().setGoalId("install").setValue("install").setPayoutType(PayoutType.FIXED)
                .setPayout(new BigDecimal("1.00")).setRevenueType(PayoutType.FIXED).setRevenue(new BigDecimal("2.00"))
                .build();
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), pipeline.serdes());
             ClickWriter clicks = new ClickWriter(kit.bootstrapServers(), pipeline.serdes())) {
            campaigns.put(Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId("hot-advertiser")
                    .setStatus(ActivityStatus.ACTIVE).setDefaultGoalId("install")
                    .setMultiConversion(MultiConversionMode.ALLOW).setGoals(List.of(install)).build());
            clicks.write(click("hot"));
            for (int i = 0; i < COLD_CLICKS; i++) {
                clicks.write(click("cold-" + i));
            }
        }
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void tenThousandLargePostbacksOnOneClickNeitherStopTheTopologyNorHoldUpOtherClicks() throws Exception {
        List<RawPostback> hot = new ArrayList<>();
        for (int i = 0; i < HOT_POSTBACKS; i++) {
            // About 3 KB of parameters, or 8 KB for the oversized ones.
            int valueLength = i % OVERSIZED_EVERY == 0 ? 2_700 : 1_000;
            hot.add(postback("hot", "sub2", "a".repeat(valueLength), "sub3", "b".repeat(valueLength),
                    "coupon", "c".repeat(valueLength), "txn_id", "o-" + i));
        }
        List<RawPostback> cold = new ArrayList<>();
        for (int i = 0; i < COLD_CLICKS; i++) {
            cold.add(postback("cold-" + i, "txn_id", "cold-order-" + i));
        }
        write(hot);
        write(cold);

        Map<String, String> outcomes = awaitOutcomes(HOT_POSTBACKS + COLD_CLICKS);

        assertThat(clientState()).as("kafka_streams_client_state: 2 is RUNNING").isEqualTo(2);
        assertThat(cold).allSatisfy(postback ->
                assertThat(outcomes.get(postback.getRequestId())).as(postback.getClickId()).isEqualTo("ATTRIBUTED"));
        Map<String, Integer> ofHot = new TreeMap<>();
        hot.forEach(postback -> ofHot.merge(outcomes.get(postback.getRequestId()), 1, Integer::sum));
        LOG.info("Outcomes of the hot click's postbacks: {}", ofHot);
        assertThat(ofHot).containsOnlyKeys("ATTRIBUTED", "REJECTED LIMIT_EXCEEDED", "REJECTED MALFORMED")
                .containsEntry("REJECTED MALFORMED", HOT_POSTBACKS / OVERSIZED_EVERY);
        assertThat(ofHot.get("ATTRIBUTED")).as("attributed up to the click's bound").isBetween(50, 100);

        URI query = pipeline.queryUri().orElseThrow();
        assertThat(get(query.resolve("/clicks/hot")).at("/click/click_id").asText()).isEqualTo("hot");
        JsonNode conversions = get(query.resolve("/clicks/hot/conversions")).get("conversions");
        assertThat(conversions.size()).isEqualTo(ofHot.get("ATTRIBUTED"));
        String refused = hot.stream().map(RawPostback::getRequestId)
                .filter(id -> outcomes.get(id).equals("REJECTED LIMIT_EXCEEDED")).findFirst().orElseThrow();
        JsonNode fate = get(query.resolve("/postbacks/" + refused + "?click_id=hot"));
        assertThat(fate.path("state").asText()).isEqualTo("REJECTED");
        assertThat(fate.at("/rejection/reason").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(fate.at("/rejection/detail").asText()).contains("click hot");
    }

    private static Click click(String clickId) {
        return Click.newBuilder().setClickId(clickId).setCampaignId(CAMPAIGN).setAffiliateId("aff-hot")
                .setClickedAt(Instant.now()).build();
    }

    private static RawPostback postback(String clickId, String... params) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("click_id", List.of(clickId));
        for (int i = 0; i < params.length; i += 2) {
            query.put(params[i], List.of(params[i + 1]));
        }
        return RawPostback.newBuilder().setRequestId(UUID.randomUUID().toString()).setReceivedAt(Instant.now())
                .setClickId(clickId).setMethod("GET").setQueryParams(query).setBodyParams(Map.of())
                .setRemoteAddr("203.0.113.9").build();
    }

    /** Straight to postbacks.raw, keyed by click_id, as a producer other than ingest would. */
    private static void write(List<RawPostback> postbacks) throws Exception {
        try (KafkaProducer<String, RawPostback> producer = new KafkaProducer<>(
                ProducerSettings.safe(kit.bootstrapServers(), "hot-click-it"), new StringSerializer(),
                pipeline.serdes().valueSerializer(Topics.POSTBACKS_RAW))) {
            for (RawPostback postback : postbacks) {
                producer.send(new ProducerRecord<>(Topics.POSTBACKS_RAW.name(), postback.getClickId(), postback));
            }
            producer.flush();
        }
    }

    /**
     * Reads both output topics (read_committed) until {@code expected} postbacks have an outcome,
     * checking meanwhile that the topology keeps running; fails on a second outcome of a postback.
     *
     * @return ATTRIBUTED or REJECTED reason, by request_id
     */
    private static Map<String, String> awaitOutcomes(int expected) throws Exception {
        Deserializer<AttributedConversion> attributed = pipeline.serdes().valueDeserializer(Topics.CONVERSIONS_ATTRIBUTED);
        Deserializer<RejectedPostback> rejected = pipeline.serdes().valueDeserializer(Topics.CONVERSIONS_REJECTED);
        Map<String, String> outcomes = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name())) {
                consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(OUTCOMES_WITHIN);
            Instant nextStateCheck = Instant.now();
            while (outcomes.size() < expected) {
                assertThat(Instant.now()).as("%d of %d outcomes by the deadline", outcomes.size(), expected)
                        .isBefore(deadline);
                if (Instant.now().isAfter(nextStateCheck)) {
                    assertThat(clientState()).as("kafka_streams_client_state while the hot click is read")
                            .isIn(1, 2);
                    nextStateCheck = Instant.now().plusSeconds(5);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String requestId;
                    String outcome;
                    if (record.topic().equals(Topics.CONVERSIONS_ATTRIBUTED.name())) {
                        requestId = attributed.deserialize(record.topic(), record.value()).getRequestId();
                        outcome = "ATTRIBUTED";
                    } else {
                        RejectedPostback rejection = rejected.deserialize(record.topic(), record.value());
                        requestId = rejection.getRequestId();
                        outcome = "REJECTED " + rejection.getReason();
                    }
                    assertThat(outcomes.put(requestId, outcome)).as("an earlier outcome of %s", requestId).isNull();
                }
            }
        }
        return outcomes;
    }

    /** The client state the management port reports (2 is RUNNING, 6 is ERROR). */
    private static int clientState() throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(pipeline.managementUri().resolve("/metrics"))
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        String sample = metrics.body().lines().filter(line -> line.startsWith("kafka_streams_client_state{"))
                .findFirst().orElseThrow();
        return (int) Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }

    private static JsonNode get(URI uri) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("%s: %s", uri, answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }
}

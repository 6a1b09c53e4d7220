package io.attribution.app;

import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.embedded.Directories;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, item 3, on real parts (the kit's broker and registry, the topology in this JVM): health
 * tells the truth. An output the broker refuses as too large goes to the dead-letter topic and the
 * topology goes on; a topology whose stream threads keep dying is given a bounded number of fresh
 * threads, then stops, and the management port says so (liveness and readiness 503, the count of
 * replaced threads), and the pipeline reports it failed so that the process can exit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyHealthIT {

    private static final String CAMPAIGN = DemoData.CAMPAIGN_ID;

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private Pipeline pipeline;
    private Path stateDir;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (stateDir != null) {
            Directories.deleteRecursively(stateDir);
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anOutputTheBrokerRefusesAsTooLargeIsDeadLetteredAndAttributionGoesOn() throws Exception {
        pipeline = start(3);
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), pipeline.serdes());
             ClickWriter clicks = new ClickWriter(kit.bootstrapServers(), pipeline.serdes())) {
            campaigns.put(DemoData.campaign());
            for (String clickId : List.of("big-1", "small-1")) {
                clicks.write(Click.newBuilder().setClickId(clickId).setCampaignId(CAMPAIGN).setAffiliateId("aff-1")
                        .setClickedAt(Instant.now().minusSeconds(60)).build());
            }
        }
        // An unknown goal is rejected with the whole postback, and a detail naming the goal: the
        // rejection is larger than the postback, and the topic takes the postback's size only.
        RawPostback big = postback("big-1", Map.of("goal_value", "g".repeat(256), "note", "n".repeat(3000)));
        byte[] bigBytes = pipeline.serdes().valueSerializer(Topics.POSTBACKS_RAW).serialize(Topics.POSTBACKS_RAW.name(), big);
        limitMessageSize(Topics.CONVERSIONS_REJECTED.name(), bigBytes.length + 150);

        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.POSTBACKS_RAW.name(), "big-1", bigBytes)).get(30, TimeUnit.SECONDS);
            RawPostback small = postback("small-1", Map.of("goal_value", "purchase", "sale_amount", "10"));
            raw.send(new ProducerRecord<>(Topics.POSTBACKS_RAW.name(), "small-1", pipeline.serdes()
                    .valueSerializer(Topics.POSTBACKS_RAW).serialize(Topics.POSTBACKS_RAW.name(), small))).get(30, TimeUnit.SECONDS);

            await("the small postback attributed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> kit.readAll(Topics.CONVERSIONS_ATTRIBUTED.name(), new StringDeserializer(),
                                    pipeline.serdes().valueDeserializer(Topics.CONVERSIONS_ATTRIBUTED)).stream()
                            .map(ConsumerRecord::value).map(AttributedConversion::getRequestId)
                            .anyMatch(small.getRequestId()::equals));
        }
        ConsumerRecord<byte[], byte[]> deadLetter = kit.readAll(Topics.DEAD_LETTERS, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).stream().filter(record -> Topics.POSTBACKS_RAW.name()
                        .equals(header(record, "__streams.errors.topic"))).findFirst().orElseThrow();
        assertThat(deadLetter.value()).isEqualTo(bigBytes);
        assertThat(header(deadLetter, "attribution.dead-letter.reason")).isEqualTo("RECORD_TOO_LARGE");
        assertThat(header(deadLetter, "attribution.dead-letter.target-topic")).isEqualTo(Topics.CONVERSIONS_REJECTED.name());
        assertThat(Http.get(pipeline.managementUri().resolve("/healthz")).status()).isEqualTo(200);
        assertThat(Http.get(pipeline.managementUri().resolve("/metrics")).text())
                .contains("topology_thread_replacements_total 0.0");
    }

    @Test
    @Order(2)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aTopologyWhoseThreadsKeepDyingIsReplacedABoundedNumberOfTimesThenReportedDead() throws Exception {
        pipeline = start(2);
        assertThat(Http.get(pipeline.managementUri().resolve("/readyz")).status()).isEqualTo(200);
        assertThat(Http.get(pipeline.managementUri().resolve("/healthz")).status()).isEqualTo(200);

        // A real fault: the input topics vanish under the running topology; every thread that
        // starts again meets it again.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()))) {
            admin.deleteTopics(List.of(Topics.POSTBACKS_RAW.name(), Topics.CLICKS.name())).all().get(30, TimeUnit.SECONDS);
        }

        assertThat(pipeline.topologyFailed().get(120, TimeUnit.SECONDS)).isEqualTo(KafkaStreams.State.ERROR);
        Http.Answer live = Http.get(pipeline.managementUri().resolve("/healthz"));
        assertThat(live.status()).as(live.text()).isEqualTo(503);
        assertThat(live.field("topology")).startsWith("ERROR");
        assertThat(Http.get(pipeline.managementUri().resolve("/readyz")).status()).isEqualTo(503);
        assertThat(Http.get(pipeline.managementUri().resolve("/metrics")).text())
                .contains("topology_thread_replacements_total 2.0");
    }

    private Pipeline start(int maxThreadReplacements) throws Exception {
        stateDir = Files.createTempDirectory("topology-health-it");
        return Pipeline.start(PipelineSettingsOnKit.of(kit, stateDir, "topology-health-it")
                        .with(PipelineSettings.TOPOLOGY_MAX_THREAD_REPLACEMENTS, String.valueOf(maxThreadReplacements)),
                EnumSet.of(Pipeline.Part.TOPOLOGY), false);
    }

    private static void limitMessageSize(String topic, int bytes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()))) {
            Map<ConfigResource, Collection<AlterConfigOp>> change = Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(bytes)),
                            AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(change).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static RawPostback postback(String clickId, Map<String, String> params) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("click_id", List.of(clickId));
        params.forEach((name, value) -> query.put(name, List.of(value)));
        return RawPostback.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setReceivedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setClickId(clickId).setMethod("GET")
                .setQueryParams(query).setBodyParams(Map.of()).setRemoteAddr("203.0.113.9").build();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return Optional.ofNullable(record.headers().lastHeader(name)).map(Header::value)
                .map(value -> new String(value, StandardCharsets.UTF_8)).orElse(null);
    }
}

package io.attribution.app;

import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.PayoutType;
import io.attribution.embedded.Directories;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, item 2, on real parts (the kit's broker and registry, ingest and admin in this JVM, the
 * registry behind a proxy that can make it hang): the campaign catalogs fail closed. A record they
 * cannot read is skipped, counted and logged, and the campaigns after it still load, so a forged
 * token is refused; a catalog that is stuck turns readiness to 503, and ingest (for postbacks that
 * name a campaign) and admin refuse with 503 instead of acting without the checks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CampaignCatalogFailClosedIT {

    private static final String TOKEN = "fail-closed-it-admin-token";
    private static final Duration MAX_STALE = Duration.ofSeconds(3);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static FreezableProxy registry;
    private static Path stateDir;
    private static Pipeline pipeline;
    private static URI ingest;
    private static URI admin;
    private static URI management;

    @BeforeAll
    static void startOnAPoisonedTopic() throws Exception {
        URI registryUrl = URI.create(kit.registryUrl());
        registry = new FreezableProxy(registryUrl.getHost(), registryUrl.getPort());
        stateDir = Files.createTempDirectory("fail-closed-it");
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, stateDir, "fail-closed-it")
                .with(PipelineSettings.REGISTRY_URL, "http://127.0.0.1:" + registry.port() + registryUrl.getPath())
                .with(PipelineSettings.ADMIN_PORT, "0")
                .with(PipelineSettings.ADMIN_TOKEN, TOKEN)
                .with(PipelineSettings.CAMPAIGNS_MAX_STALE_MS, String.valueOf(MAX_STALE.toMillis()));
        TopicProvisioner.ensureTopics(KafkaClientSettings.plaintext(kit.bootstrapServers()), settings);
        // One partition, in this order: a catalog that stalls on the garbage never learns of b.
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        writeToPartitionZero("a", serdes.valueSerializer(Topics.CAMPAIGNS).serialize(Topics.CAMPAIGNS.name(),
                campaign("a", "tok-a")));
        writeToPartitionZero("junk", new byte[] {0x13, 0x37, 0x42, 0x00, 0x01, 0x02, 0x03, (byte) 0xfe, 0x7f, 0x10});
        writeToPartitionZero("b", serdes.valueSerializer(Topics.CAMPAIGNS).serialize(Topics.CAMPAIGNS.name(),
                campaign("b", "tok-b")));

        pipeline = Pipeline.start(settings, EnumSet.of(Pipeline.Part.INGEST, Pipeline.Part.ADMIN), false);
        ingest = pipeline.ingestUri().orElseThrow();
        admin = pipeline.adminUri().orElseThrow();
        management = pipeline.managementUri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (stateDir != null) {
            Directories.deleteRecursively(stateDir);
        }
    }

    @Test
    @Order(1)
    void anUnreadableRecordIsSkippedAndTheCampaignsAfterItStillProtect() {
        await("ingest ready").atMost(Duration.ofSeconds(30)).until(() -> Http.get(ingest.resolve("/readyz")).status() == 200);

        Http.Answer forged = postback("click_id=x-1&campaign_id=b&security_token=forged");
        Http.Answer genuine = postback("click_id=x-2&campaign_id=b&security_token=tok-b");

        assertThat(forged.status()).as(forged.text()).isEqualTo(401);
        assertThat(forged.field("error")).isEqualTo("INVALID_TOKEN");
        assertThat(genuine.status()).as(genuine.text()).isEqualTo(200);
        assertThat(Http.get(management.resolve("/metrics")).text())
                .contains("campaign_catalog_skipped_records_total{catalog=\"ingest-campaign-catalog\",reason=\"UNREADABLE\"} 1.0")
                .contains("campaign_catalog_up{catalog=\"ingest-campaign-catalog\"} 1.0");
        assertThat(Http.get(management.resolve("/readyz")).status()).isEqualTo(200);

        assertThat(Http.admin(admin, TOKEN, "GET", "/campaigns/b", null).status()).isEqualTo(200);
        Http.Answer created = putCampaign("c", null);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(Http.admin(admin, TOKEN, "GET", "/campaigns/c", null).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aTokenCampaignCreatedAfterABadRecordIsProtectedAtOnce() throws Exception {
        writeToPartitionZero("junk-2", "not a campaign".getBytes(StandardCharsets.UTF_8));
        assertThat(putCampaign("d", "tok-d").status()).isEqualTo(201);

        await("the running ingest knows d").atMost(Duration.ofSeconds(5))
                .until(() -> postback("click_id=x-3&campaign_id=d&security_token=forged").status() == 401);
        assertThat(postback("click_id=x-4&campaign_id=d&security_token=tok-d").status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aStuckCatalogRefusesWhatNeedsItUntilItIsCurrentAgain() throws Exception {
        // A campaign written with a schema the catalogs have not seen: reading it needs the registry.
        byte[] unseenSchema = withUnseenWriterSchema(campaign("e", "tok-e"));
        assertThat(postback("click_id=free-0").status()).as("the postback schema is known").isEqualTo(200);
        registry.freeze();
        try {
            writeToPartitionZero("e", unseenSchema);

            await("ingest not ready").atMost(MAX_STALE.plusSeconds(15)).untilAsserted(() -> {
                Http.Answer ready = Http.get(ingest.resolve("/readyz"));
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.field("campaigns")).isEqualTo("STALE");
            });
            Http.Answer naming = postback("click_id=stuck-1&campaign_id=a&security_token=tok-a");
            assertThat(naming.status()).as(naming.text()).isEqualTo(503);
            assertThat(naming.field("error")).isEqualTo("NOT_STORED");
            assertThat(postback("click_id=free-1").status()).as("no campaign named: no edge check").isEqualTo(200);
            Http.Answer put = putCampaign("f", null);
            assertThat(put.status()).as(put.text()).isEqualTo(503);
            assertThat(put.field("error")).isEqualTo("CATALOG_NOT_CURRENT");
            assertThat(Http.admin(admin, TOKEN, "GET", "/campaigns/a", null).status()).isEqualTo(503);
            assertThat(Http.get(management.resolve("/readyz")).status()).isEqualTo(503);
            assertThat(Http.get(management.resolve("/healthz")).status()).as("stale is not dead").isEqualTo(200);
        } finally {
            registry.thaw();
        }

        await("ingest ready again").atMost(Duration.ofSeconds(20))
                .until(() -> Http.get(ingest.resolve("/readyz")).status() == 200);
        assertThat(postback("click_id=x-5&campaign_id=e&security_token=forged").status()).isEqualTo(401);
        assertThat(Http.admin(admin, TOKEN, "GET", "/campaigns/e", null).status()).isEqualTo(200);
        List<String> stored = kit.readAll(Topics.POSTBACKS_RAW.name(), new StringDeserializer(),
                pipeline.serdes().valueDeserializer(Topics.POSTBACKS_RAW)).stream().map(ConsumerRecord::key).toList();
        assertThat(stored).contains("free-1").doesNotContain("stuck-1");
    }

    private static Http.Answer postback(String query) {
        return Http.get(ingest.resolve("/postback?" + query));
    }

    private static Http.Answer putCampaign(String id, String securityToken) {
        return Http.admin(admin, TOKEN, "PUT", "/campaigns/" + id, """
                {"advertiser_id": "adv-1", "security_token": %s,
                 "goals": [{"goal_id": "sale", "value": "sale", "payout": "1", "revenue": "2"}]}"""
                .formatted(securityToken == null ? "null" : "\"" + securityToken + "\""));
    }

    private static Campaign campaign(String id, String securityToken) {
        Goal sale = Goal.newBuilder().setGoalId("sale").setValue("sale").setPayoutType(PayoutType.FIXED)
                .setPayout(BigDecimal.ONE).setRevenueType(PayoutType.FIXED).setRevenue(BigDecimal.valueOf(2)).build();
        return Campaign.newBuilder().setCampaignId(id).setAdvertiserId("adv-1").setSecurityToken(securityToken)
                .setGoals(List.of(sale)).build();
    }

    private static void writeToPartitionZero(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), 0, key.getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The campaign in the wire format, written with a newer Campaign schema (one more field, with a
     * default) registered straight in the registry: a content id no serde of this JVM has cached.
     */
    private static byte[] withUnseenWriterSchema(Campaign campaign) throws Exception {
        Schema evolved = new Schema.Parser().parse(Campaign.getClassSchema().toString()
                .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"it_note\",\"type\":\"string\",\"default\":\"\"},"));
        HttpResponse<String> registered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(kit.registryUrl() + "/groups/default/artifacts"))
                .header("Content-Type", "application/json")
                .header("X-Registry-ArtifactId", kit.uniqueId("campaign-evolved"))
                .header("X-Registry-ArtifactType", "AVRO")
                .POST(HttpRequest.BodyPublishers.ofString(evolved.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int contentId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registered.body()).get("contentId").asInt();

        ByteArrayOutputStream specific = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(specific, null);
        new SpecificDatumWriter<>(Campaign.class).write(campaign, encoder);
        encoder.flush();
        GenericRecord asEvolved = new GenericDatumReader<GenericRecord>(Campaign.getClassSchema(), evolved)
                .read(null, DecoderFactory.get().binaryDecoder(specific.toByteArray(), null));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(ByteBuffer.allocate(5).put((byte) 0).putInt(contentId).array());
        encoder = EncoderFactory.get().binaryEncoder(wire, null);
        new GenericDatumWriter<GenericRecord>(evolved).write(asEvolved, encoder);
        encoder.flush();
        return wire.toByteArray();
    }
}

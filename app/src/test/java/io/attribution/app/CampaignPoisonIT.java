package io.attribution.app;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.PayoutType;
import io.attribution.embedded.Directories;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, item 1, on real parts (broker and registry of the kit, the whole pipeline in this JVM):
 * a bad record on the campaigns topic, garbage or a valid Avro campaign that breaks a rule, never
 * stops attribution. It goes to the dead-letter topic with its source headers and a reason, the
 * previous version of the campaign stays in force, a later good version takes over, and the
 * topology starts again on a topic that still holds the bad records (the global store is re-read).
 */
class CampaignPoisonIT {

    private static final String TOKEN = "poison-it-admin-token";
    private static final String CAMPAIGN = "c";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private final List<Path> stateDirs = new ArrayList<>();
    private Pipeline pipeline;
    private int clicks;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        stateDirs.forEach(Directories::deleteRecursively);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aBadCampaignRecordIsDeadLetteredAndAttributionGoesOnAcrossARestart() throws Exception {
        String applicationId = kit.uniqueId("campaign-poison-it");
        pipeline = start(applicationId);
        assertThat(putCampaign("10").status()).isEqualTo(201);
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");

        byte[] garbage = {0x13, 0x37, 0x42, 0x00, 0x01, 0x02, 0x03, (byte) 0xfe, 0x7f, 0x10};
        Campaign brokenRule = campaign("30").setDefaultGoalId("lead").build();
        byte[] brokenRuleBytes = new RegistrySerdes(kit.registryUrl()).valueSerializer(Topics.CAMPAIGNS)
                .serialize(Topics.CAMPAIGNS.name(), brokenRule);
        RecordMetadata garbageAt;
        RecordMetadata brokenRuleAt;
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordHeaders traced = new RecordHeaders();
            traced.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
            garbageAt = raw.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), null, utf8(CAMPAIGN), garbage, traced))
                    .get(30, TimeUnit.SECONDS);
            brokenRuleAt = raw.send(new ProducerRecord<>(Topics.CAMPAIGNS.name(), utf8(CAMPAIGN), brokenRuleBytes))
                    .get(30, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(2);
        assertThat(deadLetters.get(0).value()).isEqualTo(garbage);
        assertThat(header(deadLetters.get(0), "trace")).isEqualTo("t-1");
        assertThat(header(deadLetters.get(0), "attribution.dead-letter.reason")).isEqualTo("UNREADABLE");
        assertThat(header(deadLetters.get(0), "__streams.errors.topic")).isEqualTo(Topics.CAMPAIGNS.name());
        assertThat(header(deadLetters.get(0), "__streams.errors.partition")).isEqualTo(String.valueOf(garbageAt.partition()));
        assertThat(header(deadLetters.get(0), "__streams.errors.offset")).isEqualTo(String.valueOf(garbageAt.offset()));
        assertThat(deadLetters.get(1).value()).isEqualTo(brokenRuleBytes);
        assertThat(header(deadLetters.get(1), "attribution.dead-letter.reason")).isEqualTo("INVALID");
        assertThat(header(deadLetters.get(1), "__streams.errors.offset")).isEqualTo(String.valueOf(brokenRuleAt.offset()));

        // Still running, healthy and ready, with the last good version in force.
        URI management = pipeline.managementUri();
        await("the topology keeps running").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(management.resolve("/healthz")).status() == 200
                        && Http.get(management.resolve("/readyz")).status() == 200);
        assertThat(payoutOfASale()).isEqualByComparingTo("10.00");

        // A good version after the bad ones takes over, everywhere: the admin API shows it.
        assertThat(putCampaign("20").status()).isEqualTo(200);
        Http.Answer shown = Http.admin(pipeline.adminUri().orElseThrow(), TOKEN, "GET", "/campaigns/" + CAMPAIGN, null);
        assertThat(shown.status()).as(shown.text()).isEqualTo(200);
        assertThat(shown.body().path("goals").path(0).path("payout").asText()).isEqualTo("20");
        assertThat(payoutOfASale()).isEqualByComparingTo("20.00");

        // A restart on a fresh state directory reads the whole topic, bad records included, again.
        pipeline.close();
        pipeline = start(applicationId);
        assertThat(Http.get(pipeline.managementUri().resolve("/readyz")).status()).isEqualTo(200);
        assertThat(payoutOfASale()).isEqualByComparingTo("20.00");
    }

    private Pipeline start(String applicationId) throws Exception {
        Path stateDir = Files.createTempDirectory("campaign-poison-it");
        stateDirs.add(stateDir);
        return Pipeline.start(PipelineSettingsOnKit.of(kit, stateDir, "unused")
                        .with(PipelineSettings.TOPOLOGY_APPLICATION_ID, applicationId)
                        .with(PipelineSettings.ADMIN_PORT, "0")
                        .with(PipelineSettings.ADMIN_TOKEN, TOKEN),
                EnumSet.of(Pipeline.Part.TOPOLOGY, Pipeline.Part.INGEST, Pipeline.Part.ADMIN), false);
    }

    private Http.Answer putCampaign(String payoutPercent) {
        return Http.admin(pipeline.adminUri().orElseThrow(), TOKEN, "PUT", "/campaigns/" + CAMPAIGN, """
                {"advertiser_id": "adv-1", "default_goal_id": "sale",
                 "goals": [{"goal_id": "sale", "value": "sale", "payout_type": "PERCENT", "payout": "%s",
                            "revenue_type": "PERCENT", "revenue": "30"}]}""".formatted(payoutPercent));
    }

    private static Campaign.Builder campaign(String payoutPercent) {
        Goal sale = Goal.newBuilder().setGoalId("sale").setValue("sale").setPayoutType(PayoutType.PERCENT)
                .setPayout(new BigDecimal(payoutPercent)).setRevenueType(PayoutType.PERCENT)
                .setRevenue(new BigDecimal("30")).build();
        return Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId("adv-1").setGoals(List.of(sale));
    }

    /** A new click of the campaign and a 100.00 sale on it, through ingest: the payout attributed. */
    private BigDecimal payoutOfASale() throws Exception {
        String clickId = "poison-click-" + ++clicks;
        try (ClickWriter writer = new ClickWriter(kit.bootstrapServers(), pipeline.serdes())) {
            writer.write(Click.newBuilder().setClickId(clickId).setCampaignId(CAMPAIGN).setAffiliateId("aff-1")
                    .setClickedAt(Instant.now().minusSeconds(60)).build());
        }
        Http.Answer answer = Http.get(pipeline.ingestUri().orElseThrow()
                .resolve("/postback?click_id=" + clickId + "&goal_value=sale&sale_amount=100"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        String requestId = answer.field("request_id");
        List<AttributedConversion> found = new ArrayList<>();
        await("conversion of " + clickId).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    found.clear();
                    kit.readAll(Topics.CONVERSIONS_ATTRIBUTED.name(), new StringDeserializer(),
                                    pipeline.serdes().valueDeserializer(Topics.CONVERSIONS_ATTRIBUTED)).stream()
                            .map(ConsumerRecord::value).filter(c -> c.getRequestId().equals(requestId)).forEach(found::add);
                    assertThat(found).hasSize(1);
                });
        return found.get(0).getPayout();
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(int count) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        await("dead letters of the campaigns topic").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    found.clear();
                    kit.readAll(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer()).stream()
                            .filter(record -> Topics.CAMPAIGNS.name().equals(header(record, "__streams.errors.topic")))
                            .forEach(found::add);
                    assertThat(found).hasSize(count);
                });
        found.sort((a, b) -> Long.compare(Long.parseLong(header(a, "__streams.errors.offset")),
                Long.parseLong(header(b, "__streams.errors.offset"))));
        return found;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return Optional.ofNullable(record.headers().lastHeader(name)).map(Header::value)
                .map(value -> new String(value, StandardCharsets.UTF_8)).orElse(null);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

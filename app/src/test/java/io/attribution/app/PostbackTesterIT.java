package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The postback tester end to end on a real broker and registry: a test click from the admin API's
 * tester, a postback fired through it at ingest, its fate from the query API through the tester:
 * ATTRIBUTED with test=true, then a resend REJECTED with what to fix, and the campaign's stats as
 * they were. Without the admin token nothing is written.
 */
class PostbackTesterIT {

    private static final String ADMIN_TOKEN = "postback-tester-it-admin-token";
    private static final Duration DECIDED = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @TempDir
    static Path dir;

    private static Pipeline pipeline;
    private static URI admin;
    private static JsonNode statsBefore;

    @BeforeAll
    static void start() throws Exception {
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, dir.resolve("state"), "postback-tester")
                .with(PipelineSettings.ADMIN_PORT, "0")
                .with(PipelineSettings.ADMIN_TOKEN, ADMIN_TOKEN);
        pipeline = Pipeline.start(settings, EnumSet.allOf(Pipeline.Part.class), false);
        admin = pipeline.adminUri().orElseThrow();
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), serdes);
             ClickWriter clicks = new ClickWriter(kit.bootstrapServers(), serdes)) {
            campaigns.put(DemoData.campaign());
            clicks.write(Click.newBuilder().setClickId("real-click").setCampaignId(DemoData.CAMPAIGN_ID)
                    .setAffiliateId("aff-real").setClickedAt(Instant.now()).build());
        }
        // A real conversion first, so that the stats have something the test one must not change.
        Http.Answer real = Http.get(pipeline.ingestUri().orElseThrow()
                .resolve("/postback?click_id=real-click&goal_value=purchase&sale_amount=10&txn_id=real-1"));
        assertThat(real.status()).as(real.text()).isEqualTo(200);
        await("the real postback attributed").atMost(DECIDED).until(() ->
                query("/postbacks/" + real.field("request_id")).field("state"), "ATTRIBUTED"::equals);
        statsBefore = query("/stats/campaigns/" + DemoData.CAMPAIGN_ID).body().get("total");
        assertThat(statsBefore.at("/conversions/APPROVED").asLong()).isEqualTo(1);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aTestClicksPostbackIsAttributedAsTestAndLeavesTheStatsAsTheyWere() {
        Http.Answer click = tester("POST", "/tester/clicks", "{\"campaign_id\":\"" + DemoData.CAMPAIGN_ID + "\"}");
        assertThat(click.status()).as(click.text()).isEqualTo(201);
        String clickId = click.field("click_id");
        assertThat(click.body().get("test").asBoolean()).isTrue();
        assertThat(click.field("postback_url_example"))
                .startsWith(pipeline.ingestUri().orElseThrow().resolve("/postback?click_id=" + clickId).toString());

        Http.Answer fired = tester("POST", "/tester/postbacks", "{\"params\":{\"click_id\":\"" + clickId
                + "\",\"goal_value\":\"purchase\",\"sale_amount\":\"25.00\",\"txn_id\":\"test-order-1\"}}");
        assertThat(fired.status()).as(fired.text()).isEqualTo(200);
        assertThat(fired.body().get("ingest_status").asInt()).isEqualTo(200);
        String requestId = fired.field("request_id");
        assertThat(requestId).isNotBlank();

        JsonNode fate = awaitDecided(requestId, clickId);
        assertThat(fate.path("state").asText()).isEqualTo("ATTRIBUTED");
        assertThat(fate.path("test").asBoolean()).isTrue();
        assertThat(fate.at("/fate/conversion/test").asBoolean()).isTrue();
        assertThat(new BigDecimal(fate.at("/fate/conversion/payout").asText())).isEqualByComparingTo("2.50");
        // The query API's own lookups show it, marked test.
        assertThat(query("/clicks/" + clickId).text()).contains("\"test\":true");

        // The same postback again: rejected, with what to fix.
        Http.Answer again = tester("POST", "/tester/postbacks", "{\"params\":{\"click_id\":\"" + clickId
                + "\",\"goal_value\":\"purchase\",\"sale_amount\":\"25.00\",\"txn_id\":\"test-order-1\"}}");
        JsonNode rejected = awaitDecided(again.field("request_id"), clickId);
        assertThat(rejected.path("state").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("reason").asText()).isEqualTo("DUPLICATE_CONVERSION");
        assertThat(rejected.path("test").asBoolean()).isTrue();
        assertThat(rejected.path("what_to_fix").asText()).contains("txn_id");

        assertThat(query("/stats/campaigns/" + DemoData.CAMPAIGN_ID).body().get("total")).isEqualTo(statsBefore);
    }

    @Test
    void withoutTheAdminTokenTheTesterWritesNothing() throws Exception {
        long clicksBefore = recordsIn(Topics.CLICKS.name());
        long postbacksBefore = recordsIn(Topics.POSTBACKS_RAW.name());

        Http.Answer none = Http.get(admin.resolve("/tester/postbacks/some-request"));
        Http.Answer wrong = Http.admin(admin, "not-the-admin-token", "POST", "/tester/clicks",
                "{\"campaign_id\":\"" + DemoData.CAMPAIGN_ID + "\"}");
        Http.Answer noFire = Http.admin(admin, "not-the-admin-token", "POST", "/tester/postbacks",
                "{\"params\":{\"click_id\":\"real-click\",\"txn_id\":\"forged\"}}");

        assertThat(List.of(none.status(), wrong.status(), noFire.status())).containsOnly(401);
        assertThat(wrong.field("error")).isEqualTo("UNAUTHORIZED");
        assertThat(recordsIn(Topics.CLICKS.name())).as("clicks written").isEqualTo(clicksBefore);
        assertThat(recordsIn(Topics.POSTBACKS_RAW.name())).as("postbacks fired").isEqualTo(postbacksBefore);
        // The public edge never issues a test click: /click has no such parameter, and the topology reads the flag
        // from the click alone.
    }

    @Test
    void thePageIsServedWithoutTheTokenAndRunsNoInlineScript() {
        assertThat(pipeline.testerUri()).hasValue(admin.resolve("/tester"));
        Http.Answer page = Http.get(admin.resolve("/tester"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("Postback tester", "src=\"/tester/tester.js\"");
        Http.Answer script = Http.get(admin.resolve("/tester/tester.js"));
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.text()).contains("textContent").doesNotContain("innerHTML");
    }

    private static JsonNode awaitDecided(String requestId, String clickId) {
        return await("the tester reports the postback decided").atMost(DECIDED).until(
                () -> tester("GET", "/tester/postbacks/" + requestId + "?click_id=" + clickId, null).body(),
                fate -> fate.path("state").asText().equals("ATTRIBUTED") || fate.path("state").asText().equals("REJECTED"));
    }

    private static Http.Answer tester(String method, String path, String json) {
        return Http.admin(admin, ADMIN_TOKEN, method, path, json);
    }

    private static Http.Answer query(String path) {
        return Http.get(pipeline.queryUri().orElseThrow().resolve(path));
    }

    private static long recordsIn(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}

package io.attribution.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path on real parts: HTTP postback -> ingest -> Kafka -> topology -> output topics,
 * read back as a Confluent-compatible consumer would, through the registry's ccompat API.
 */
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static Pipeline pipeline;
    private static Path stateDir;
    private static ConfluentWireDecoder decoder;

    @BeforeAll
    static void startPipeline() throws Exception {
        stateDir = Files.createTempDirectory("pipeline-it");
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, stateDir, "pipeline-it")
                // A short wait for late clicks, so the unknown click is rejected within the test.
                .with(PipelineSettings.TOPOLOGY_UNKNOWN_CLICK_GRACE_MS, "2000");
        pipeline = Pipeline.start(settings, EnumSet.allOf(Pipeline.Part.class), false);
        decoder = new ConfluentWireDecoder(kit.confluentCompatUrl());
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), pipeline.serdes());
             ClickWriter clicks = new ClickWriter(kit.bootstrapServers(), pipeline.serdes())) {
            campaigns.put(DemoData.campaign());
            for (String clickId : List.of("it-click-get", "it-click-form", "it-click-json", "it-click-after-garbage",
                    "it-click-query")) {
                clicks.write(Click.newBuilder().setClickId(clickId).setCampaignId(DemoData.CAMPAIGN_ID)
                        .setAffiliateId("aff-42").setClickedAt(Instant.now()).build());
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
    void getPostbackBecomesAnAttributedConversionReadableByAnyConfluentConsumer() throws Exception {
        String requestId = accepted(send(HttpRequest.newBuilder(postbackUri(
                "click_id=it-click-get&goal_value=purchase&sale_amount=49.90&currency=USD&txn_id=order-1&coupon=SAVE"))
                .GET()));

        GenericRecord conversion = awaitRecord(Topics.CONVERSIONS_ATTRIBUTED.name(), requestId);
        assertThat(conversion.getSchema().getFullName()).isEqualTo("io.attribution.avro.AttributedConversion");
        assertThat(conversion.get("click_id").toString()).isEqualTo("it-click-get");
        assertThat(conversion.get("campaign_id").toString()).isEqualTo(DemoData.CAMPAIGN_ID);
        assertThat(conversion.get("affiliate_id").toString()).isEqualTo("aff-42");
        assertThat(conversion.get("goal_id").toString()).isEqualTo("purchase");
        assertThat(conversion.get("txn_id").toString()).isEqualTo("order-1");
        assertThat(conversion.get("status").toString()).isEqualTo("APPROVED");
        // Demo purchase goal: payout 10% and revenue 15% of 49.90.
        assertThat((BigDecimal) conversion.get("payout")).isEqualByComparingTo("4.99");
        assertThat((BigDecimal) conversion.get("revenue")).isEqualByComparingTo("7.49");
        assertThat((BigDecimal) conversion.get("sale_amount")).isEqualByComparingTo("49.90");
        assertThat(conversion.get("currency").toString()).isEqualTo("USD");
    }

    @Test
    void aClickFromTheEdgesTrackingLinkIsAttributedWhenAPostbackNamesItsClickId() throws Exception {
        HttpResponse<String> click = send(HttpRequest.newBuilder(URI.create(
                Banner.clickLink(pipeline.ingestUri().orElseThrow()).replace("sub1=newsletter", "sub1=news%20letter")))
                .GET());
        assertThat(click.statusCode()).as(click.body()).isEqualTo(302);
        String clickId = JSON.readTree(click.body()).get("click_id").asText();
        assertThat(click.headers().firstValue("Location")).hasValue("https://example.com/landing?click_id=" + clickId
                + "&aff=" + DemoData.CLICK_AFFILIATE + "&sub1=news%20letter");

        String requestId = accepted(send(HttpRequest.newBuilder(postbackUri(
                "click_id=" + clickId + "&goal_value=purchase&sale_amount=20&txn_id=from-click")).GET()));

        GenericRecord conversion = awaitRecord(Topics.CONVERSIONS_ATTRIBUTED.name(), requestId);
        assertThat(conversion.get("click_id").toString()).isEqualTo(clickId);
        assertThat(conversion.get("campaign_id").toString()).isEqualTo(DemoData.CAMPAIGN_ID);
        assertThat(conversion.get("affiliate_id").toString()).isEqualTo(DemoData.CLICK_AFFILIATE);
        assertThat((BigDecimal) conversion.get("payout")).isEqualByComparingTo("2.00");
        URI query = pipeline.queryUri().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> fate = send(HttpRequest.newBuilder(query.resolve("/postbacks/" + requestId)).GET());
            assertThat(JSON.readTree(fate.body()).path("state").asText()).as(fate.body()).isEqualTo("ATTRIBUTED");
        });
    }

    @Test
    void theClicksSendCommandPrintsTheClickIdAndTheLandingUrlWithoutFollowingIt() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(
                "clicks", "send", "--url", pipeline.ingestUri().orElseThrow().toString(),
                "--campaign", DemoData.CAMPAIGN_ID, "--affiliate", "cli-aff", "--sub1", "a b&c");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).matches("(?s)click_id: ([A-Za-z0-9_-]{22})\\R"
                + "landing:  https://example\\.com/landing\\?click_id=\\1&aff=cli-aff&sub1=a%20b%26c\\R");

        StringWriter unknownErr = new StringWriter();
        int unknown = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(unknownErr))
                .execute("clicks", "send", "--url", pipeline.ingestUri().orElseThrow().toString(),
                        "--campaign", "no-such-campaign", "--affiliate", "cli-aff");
        assertThat(unknown).isEqualTo(2);
        assertThat(unknownErr.toString().strip()).doesNotContain("\n").contains("404").contains("UNKNOWN_CAMPAIGN");
    }

    @Test
    void formPostbackIsAttributed() throws Exception {
        String requestId = accepted(send(HttpRequest.newBuilder(postbackUri(""))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("click_id=it-click-form&goal_value=install"))));

        GenericRecord conversion = awaitRecord(Topics.CONVERSIONS_ATTRIBUTED.name(), requestId);
        assertThat(conversion.get("goal_id").toString()).isEqualTo("install");
        assertThat((BigDecimal) conversion.get("payout")).isEqualByComparingTo("1.50");
        assertThat((BigDecimal) conversion.get("revenue")).isEqualByComparingTo("2.00");
    }

    @Test
    void jsonPostbackIsAttributed() throws Exception {
        String requestId = accepted(send(HttpRequest.newBuilder(postbackUri(""))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"click_id\":\"it-click-json\",\"goal_value\":\"purchase\",\"sale_amount\":100.01}"))));

        GenericRecord conversion = awaitRecord(Topics.CONVERSIONS_ATTRIBUTED.name(), requestId);
        assertThat((BigDecimal) conversion.get("payout")).isEqualByComparingTo("10.00");
        assertThat((BigDecimal) conversion.get("revenue")).isEqualByComparingTo("15.00");
    }

    @Test
    void theQueryApiTellsWhatBecameOfAPostbackByTheRequestIdIngestAnswered() throws Exception {
        String requestId = accepted(send(HttpRequest.newBuilder(
                postbackUri("click_id=it-click-query&goal_value=install&txn_id=query-1")).GET()));
        URI query = pipeline.queryUri().orElseThrow();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> fate = send(HttpRequest.newBuilder(query.resolve("/postbacks/" + requestId)).GET());
            assertThat(fate.statusCode()).as(fate.body()).isEqualTo(200);
            var body = JSON.readTree(fate.body());
            assertThat(body.path("state").asText()).isEqualTo("ATTRIBUTED");
            assertThat(body.at("/conversion/goal_id").asText()).isEqualTo("install");
            assertThat(body.at("/conversion/payout").asText()).isEqualTo("1.50");
        });
        HttpResponse<String> conversions = send(HttpRequest.newBuilder(
                query.resolve("/clicks/it-click-query/conversions")).GET());
        assertThat(JSON.readTree(conversions.body()).at("/conversions/0/txn_id").asText())
                .isEqualTo("query-1");
    }

    @Test
    void theQueryApiTellsWhatBecameOfARequestIngestAnsweredWith400() throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(postbackUri("goal_value=install")).GET());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        var answer = JSON.readTree(refused.body());
        assertThat(answer.path("error").asText()).isEqualTo("MISSING_CLICK_ID");
        String requestId = answer.path("request_id").asText();
        URI query = pipeline.queryUri().orElseThrow();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> fate = send(HttpRequest.newBuilder(query.resolve("/postbacks/" + requestId)).GET());
            assertThat(fate.statusCode()).as(fate.body()).isEqualTo(200);
            var body = JSON.readTree(fate.body());
            assertThat(body.path("state").asText()).isEqualTo("REJECTED");
            assertThat(body.at("/rejection/reason").asText()).isEqualTo("MISSING_CLICK_ID");
        });
    }

    @Test
    void unknownClickIsRejectedWithTheRawPostback() throws Exception {
        String requestId = accepted(send(HttpRequest.newBuilder(postbackUri("click_id=never-clicked&goal_value=install"))
                .GET()));

        GenericRecord rejection = awaitRecord(Topics.CONVERSIONS_REJECTED.name(), requestId);
        assertThat(rejection.get("reason").toString()).isEqualTo("UNKNOWN_CLICK");
        GenericRecord postback = (GenericRecord) rejection.get("postback");
        assertThat(postback.get("click_id").toString()).isEqualTo("never-clicked");
        assertThat(postback.get("remote_addr").toString()).isEqualTo("127.0.0.1");
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicAndAttributionGoesOn() throws Exception {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] wrongMagicByte = ByteBuffer.allocate(9).put((byte) 7).putInt(1).putInt(0).array();
        byte[] unknownSchemaId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(0).array();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] poison : List.of(garbage, wrongMagicByte, unknownSchemaId)) {
                producer.send(new ProducerRecord<>(Topics.POSTBACKS_RAW.name(), "it-click-after-garbage", poison)).get();
            }
        }

        String requestId = accepted(send(HttpRequest.newBuilder(
                postbackUri("click_id=it-click-after-garbage&goal_value=install")).GET()));

        assertThat(awaitRecord(Topics.CONVERSIONS_ATTRIBUTED.name(), requestId).get("click_id").toString())
                .isEqualTo("it-click-after-garbage");
        List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            deadLetters.clear();
            deadLetters.addAll(readAll(Topics.DEAD_LETTERS));
            assertThat(deadLetters).hasSize(3);
        });
        assertThat(deadLetters).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder(garbage, wrongMagicByte, unknownSchemaId);
        for (ConsumerRecord<String, byte[]> dead : deadLetters) {
            assertThat(header(dead, "__streams.errors.topic")).isEqualTo(Topics.POSTBACKS_RAW.name());
            assertThat(header(dead, "__streams.errors.partition")).isNotBlank();
            assertThat(header(dead, "__streams.errors.offset")).isNotBlank();
            assertThat(header(dead, "__streams.errors.exception")).isNotBlank();
        }
    }

    private static URI postbackUri(String query) {
        URI base = pipeline.ingestUri().orElseThrow().resolve("/postback");
        return URI.create(base + (query.isEmpty() ? "" : "?" + query));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var body = JSON.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("accepted");
        return body.get("request_id").asText();
    }

    /** The record for this postback, decoded through the ccompat API, read with read_committed. */
    private static GenericRecord awaitRecord(String topic, String requestId) {
        List<GenericRecord> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            found.clear();
            for (ConsumerRecord<String, byte[]> record : readAll(topic)) {
                GenericRecord value = decoder.decode(record.value());
                if (requestId.equals(String.valueOf(value.get("request_id")))) {
                    found.add(value);
                }
            }
            assertThat(found).as("records with request_id %s on %s", requestId, topic).hasSize(1);
        });
        return found.get(0);
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return kit.readAll(topic, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return Optional.ofNullable(record.headers().lastHeader(name)).map(Header::value)
                .map(value -> new String(value, StandardCharsets.UTF_8)).orElse(null);
    }
}

package io.attribution.connect.postbacks;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector in a real Kafka Connect worker, loaded from the plugin directory the build made, reading what the
 * topology writes (RegistrySerdes, through a real Apicurio registry) and firing postbacks at a Jetty server that
 * plays the affiliates.
 */
class AffiliatePostbacksIT {

    private static final String CONNECTOR = "affiliate-postbacks";
    private static final String TOPIC = Topics.CONVERSIONS_ATTRIBUTED.name();
    private static final String DEAD_LETTERS = "affiliate-postbacks.dead-letters";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static AffiliateServer affiliates;
    private static ConnectWorker worker;
    private static RegistrySerdes serdes;
    private static TestConversions conversions;
    private static KafkaConsumer<String, byte[]> deadLetterConsumer;
    private static Deserializer<AttributedConversion> deadLetterValues;
    private static final Map<String, ConsumerRecord<String, byte[]>> deadLetters = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        // The registry (a child JVM) may still be starting: it is first needed for the serdes.
        affiliates = new AffiliateServer();
        kit.createTopics(1, TOPIC);
        worker = ConnectWorker.start(kit.bootstrapServers(), ConnectWorker.pluginPath(), Map.of());
        serdes = new RegistrySerdes(kit.registryUrl());
        conversions = new TestConversions(kit.bootstrapServers(), serdes);

        ConnectWorker.Answer created = worker.post("/connectors", Map.of("name", CONNECTOR, "config", connectorConfig()));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        await().atMost(WAIT).until(() -> worker.running(CONNECTOR));

        deadLetterValues = serdes.valueSerde(AttributedConversion.class).deserializer();
        deadLetterConsumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kit.uniqueId("it-dead-letters"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The example connector config, pointed at this test's registry and affiliates, retrying quickly. */
    private static Map<String, String> connectorConfig() throws Exception {
        Map<String, String> config = new HashMap<>(ExampleConnectorConfig.read());
        config.remove("name");
        config.keySet().removeIf(key -> key.startsWith("affiliates."));
        config.put("tasks.max", "1");
        config.put("value.converter.apicurio.registry.url", kit.registryUrl());
        config.put("retry.max.attempts", "3");
        config.put("retry.backoff.ms", "100");
        config.put("retry.backoff.max.ms", "400");
        config.put("http.request.timeout.ms", "5000");

        config.put("affiliates.aff-get.url", affiliates.url("/ok/get/{affiliate_id}?click={click_id}"
                + "&conv={conversion_id}&txn={txn_id}&goal={goal}&goal_id={goal_id}&payout={payout}&cur={currency}"
                + "&status={status}&camp={campaign_id}&s1={sub1}&s2={sub2}&s15={sub15}"));
        config.put("affiliates.aff-post.url", affiliates.url("/ok/post?click={click_id}&conv={conversion_id}"
                + "&amount={payout}&s3={sub3}&fixed=yes"));
        config.put("affiliates.aff-post.method", "POST");
        config.put("affiliates.aff-flaky.url", affiliates.url("/flaky?conv={conversion_id}"));
        config.put("affiliates.aff-missing.url", affiliates.url("/missing?conv={conversion_id}&token=secret"));
        config.put("affiliates.aff-down.url", affiliates.url("/down?conv={conversion_id}"));
        config.put("affiliates.aff-updates.url", affiliates.url("/ok/updates?conv={conversion_id}&status={status}"
                + "&was={previous_status}"));
        config.put("affiliates.aff-updates.updates", "true");
        config.put("affiliates.aff-plain.url", affiliates.url("/ok/plain?conv={conversion_id}&status={status}"));
        config.put("affiliates.aff-pending.url", affiliates.url("/ok/pending?conv={conversion_id}&status={status}"));
        config.put("affiliates.aff-pending.statuses", "pending");
        return config;
    }

    @AfterAll
    static void stop() throws Exception {
        if (deadLetterConsumer != null) {
            deadLetterConsumer.close();
        }
        if (conversions != null) {
            conversions.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (affiliates != null) {
            affiliates.close();
        }
    }

    private static void write(AttributedConversion... records) {
        for (AttributedConversion record : records) {
            conversions.write(TOPIC, record);
        }
        conversions.flush();
    }

    @Test
    void getPostbacksCarryTheConversionsValuesUrlEncoded() {
        AttributedConversion conversion = TestConversions.conversion("aff-get")
                .setClickId("click 1/2&x=y")
                .setTxnId("order #7+1")
                .setGoalValue("first purchase")
                .setPayout(TestConversions.money("12.5"))
                .setCurrency("EUR")
                .setSubs(Map.of("sub1", "ä b", "sub2", "50%", "sub15", "last"))
                .build();

        write(conversion);

        AffiliateServer.Received request = await().atMost(WAIT)
                .until(() -> affiliates.receivedFor("/ok/get/", "conv", conversion.getConversionId()), r -> !r.isEmpty())
                .get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/ok/get/aff-get");
        assertThat(request.params()).isEqualTo(Map.ofEntries(
                Map.entry("click", "click 1/2&x=y"), Map.entry("conv", conversion.getConversionId()),
                Map.entry("txn", "order #7+1"), Map.entry("goal", "first purchase"),
                Map.entry("goal_id", "purchase"), Map.entry("payout", "12.50"), Map.entry("cur", "EUR"),
                Map.entry("status", "approved"), Map.entry("camp", "camp-1"), Map.entry("s1", "ä b"),
                Map.entry("s2", "50%"), Map.entry("s15", "last")));
        assertThat(request.rawQuery()).contains("click=click%201%2F2%26x%3Dy", "txn=order%20%237%2B1",
                "s1=%C3%A4%20b", "s2=50%25");
    }

    @Test
    void postPostbacksSendTheFilledParametersAsAFormBody() {
        AttributedConversion conversion = TestConversions.conversion("aff-post")
                .setSubs(Map.of("sub3", "x&y=z"))
                .build();

        write(conversion);

        AffiliateServer.Received request = await().atMost(WAIT)
                .until(() -> affiliates.receivedFor("/ok/post", "conv", conversion.getConversionId()), r -> !r.isEmpty())
                .get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawQuery()).isNull();
        assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(request.body()).isEqualTo("click=" + conversion.getClickId() + "&conv=" + conversion.getConversionId()
                + "&amount=4.99&s3=x%26y%3Dz&fixed=yes");
        assertThat(request.params()).containsEntry("s3", "x&y=z");
    }

    @Test
    void aFlakyAffiliateGetsThePostbackExactlyOnceAfterRetries() throws Exception {
        AttributedConversion conversion = TestConversions.conversion("aff-flaky").build();

        write(conversion);

        await().atMost(WAIT).until(() -> affiliates.receivedFor("/flaky", "conv", conversion.getConversionId())
                .stream().anyMatch(r -> r.answered() == 200));
        // Nothing left in flight or waiting for a retry: no second postback can follow.
        await().atMost(WAIT).until(() -> metric("postbacks-pending") == 0);
        assertThat(affiliates.receivedFor("/flaky", "conv", conversion.getConversionId()))
                .extracting(AffiliateServer.Received::answered).containsExactly(503, 503, 200);
        assertThat(deadLetter(conversion.getConversionId())).isNull();
    }

    @Test
    void aClientErrorGoesToTheDeadLetterTopicAtOnceWithItsReason() {
        AttributedConversion conversion = TestConversions.conversion("aff-missing").build();

        write(conversion);

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(conversion.getConversionId());
        assertThat(affiliates.receivedFor("/missing", "conv", conversion.getConversionId())).hasSize(1);
        assertThat(dead.key()).isEqualTo(conversion.getClickId());
        assertThat(header(dead, "__connect.errors.topic")).isEqualTo(TOPIC);
        assertThat(header(dead, "__connect.errors.connector.name")).isEqualTo(CONNECTOR);
        assertThat(header(dead, "__connect.errors.exception.class.name"))
                .isEqualTo(PostbackFailedException.class.getName());
        assertThat(header(dead, "__connect.errors.exception.message"))
                .contains("conversion " + conversion.getConversionId(), "affiliate aff-missing", "HTTP 404",
                        "not retried", "no such offer", affiliates.url("/missing"))
                .doesNotContain("secret");
    }

    @Test
    void anAffiliateThatKeepsFailingGetsEveryAttemptThenTheRecordGoesToTheDeadLetterTopic() {
        AttributedConversion conversion = TestConversions.conversion("aff-down").build();

        write(conversion);

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(conversion.getConversionId());
        assertThat(affiliates.receivedFor("/down", "conv", conversion.getConversionId()))
                .extracting(AffiliateServer.Received::answered).containsExactly(500, 500, 500);
        assertThat(header(dead, "__connect.errors.exception.message"))
                .contains("affiliate aff-down", "HTTP 500 after 3 attempts", "database down");
        assertThat(Long.parseLong(header(dead, "__connect.errors.offset"))).isNotNegative();
    }

    @Test
    void statusUpdatesFireOnlyForAffiliatesThatAskedForThem() {
        AttributedConversion withUpdates = TestConversions.conversion("aff-updates").build();
        AttributedConversion plain = TestConversions.conversion("aff-plain").build();
        write(withUpdates, plain);
        write(reversal(withUpdates), reversal(plain));
        // Written after the reversal: once the plain affiliate has it, the task has passed its reversal over.
        AttributedConversion marker = TestConversions.conversion("aff-plain").build();
        write(marker);

        await().atMost(WAIT).until(() -> affiliates.receivedFor("/ok/updates", "conv", withUpdates.getConversionId()),
                r -> r.size() == 2);
        await().atMost(WAIT).until(() -> !affiliates.receivedFor("/ok/plain", "conv", marker.getConversionId()).isEmpty());

        assertThat(affiliates.receivedFor("/ok/updates", "conv", withUpdates.getConversionId()))
                .extracting(r -> r.params().get("status") + "<-" + r.params().get("was"))
                .containsExactly("approved<-", "rejected<-approved");
        assertThat(affiliates.receivedFor("/ok/plain", "conv", plain.getConversionId()))
                .extracting(r -> r.params().get("status")).containsExactly("approved");
    }

    @Test
    void statusesChooseWhichConversionsFire() {
        AttributedConversion pending = TestConversions.conversion("aff-pending").setStatus(ConversionStatus.PENDING).build();
        AttributedConversion approved = TestConversions.conversion("aff-pending").build();
        AttributedConversion marker = TestConversions.conversion("aff-pending").setStatus(ConversionStatus.PENDING).build();

        write(pending, approved, marker);

        await().atMost(WAIT).until(() -> !affiliates.receivedFor("/ok/pending", "conv", marker.getConversionId()).isEmpty()
                && !affiliates.receivedFor("/ok/pending", "conv", pending.getConversionId()).isEmpty());
        assertThat(affiliates.receivedFor("/ok/pending", "conv", pending.getConversionId()))
                .extracting(r -> r.params().get("status")).containsExactly("pending");
        assertThat(affiliates.receivedFor("/ok/pending", "conv", approved.getConversionId())).isEmpty();
    }

    @Test
    void conversionsOfAffiliatesWithoutAPostbackAreSkippedAndCounted() throws Exception {
        long before = metric("postbacks-skipped-no-template-total");

        write(TestConversions.conversion("aff-nobody").build(), TestConversions.conversion("aff-nobody").build());

        await().atMost(WAIT).until(() -> metric("postbacks-skipped-no-template-total") >= before + 2);
        assertThat(metric("postbacks-skipped-total")).isGreaterThanOrEqualTo(before + 2);
        assertThat(metric("postbacks-sent-total")).isNotNegative();
    }

    @Test
    void testConversionsFireNoPostbackAndAreCounted() throws Exception {
        long before = metric("postbacks-skipped-test-total");
        AttributedConversion test = TestConversions.conversion("aff-plain").setTest(true).build();
        AttributedConversion marker = TestConversions.conversion("aff-plain").build();

        write(test, marker);

        // One partition, in order: once the real one behind it fired, the test one was decided.
        await().atMost(WAIT).until(() -> !affiliates.receivedFor("/ok/plain", "conv", marker.getConversionId()).isEmpty());
        assertThat(affiliates.receivedFor("/ok/plain", "conv", test.getConversionId())).isEmpty();
        await().atMost(WAIT).until(() -> metric("postbacks-skipped-test-total") >= before + 1);
    }

    @Test
    void anInvalidConfigIsRefusedNamingTheKey() throws Exception {
        Map<String, String> config = new HashMap<>(connectorConfig());
        config.put("name", "typo");
        config.put("affiliates.aff-typo.url", "https://typo.example/?c={clickid}");

        ConnectWorker.Answer validated = worker.put(
                "/connector-plugins/AffiliatePostbackSinkConnector/config/validate", config);

        assertThat(validated.status()).isEqualTo(200);
        assertThat(validated.body().path("error_count").asInt()).as(validated.body().toString()).isEqualTo(1);
        JsonNode entry = null;
        for (JsonNode candidate : validated.body().path("configs")) {
            if ("affiliates.aff-typo.url".equals(candidate.path("value").path("name").asText())) {
                entry = candidate;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.path("value").path("errors").toString()).contains("unknown macro {clickid}");

        ConnectWorker.Answer refused = worker.post("/connectors", Map.of("name", "typo", "config", config));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("message").asText()).contains("affiliates.aff-typo.url", "unknown macro {clickid}");
    }

    private static AttributedConversion reversal(AttributedConversion conversion) {
        return AttributedConversion.newBuilder(conversion)
                .setRequestId("req-reversal-" + conversion.getConversionId())
                .setStatus(ConversionStatus.REJECTED)
                .setPreviousStatus(ConversionStatus.APPROVED)
                .build();
    }

    /** A count of the task's, read as an operator would: JMX, kafka.connect:type=plugins. */
    private static long metric(String name) throws Exception {
        ObjectName task = new ObjectName("kafka.connect:type=plugins,connector=" + CONNECTOR + ",task=0");
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(task, name)).longValue();
    }

    private static synchronized ConsumerRecord<String, byte[]> deadLetter(String conversionId) {
        if (deadLetterConsumer.subscription().isEmpty()) {
            deadLetterConsumer.subscribe(List.of(DEAD_LETTERS));
        }
        for (ConsumerRecord<String, byte[]> record : deadLetterConsumer.poll(Duration.ofMillis(200))) {
            // The record as the topology wrote it, bytes unchanged: any consumer of the topic reads it.
            deadLetters.put(deadLetterValues.deserialize(DEAD_LETTERS, record.value()).getConversionId(), record);
        }
        return deadLetters.get(conversionId);
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String conversionId) {
        return await().atMost(WAIT).until(() -> deadLetter(conversionId), r -> r != null);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

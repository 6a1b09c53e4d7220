package io.attribution.connectors.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.RejectionReason;
import io.attribution.embedded.Directories;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.embedded.testkit.LocalPostgres;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The committed connector configuration, POSTed to a real Kafka Connect worker running in this JVM
 * with the plugin directories the build lays out, between a real broker, a real schema registry
 * and a real PostgreSQL with the committed table: what the analysts' table holds after
 * conversions and their status updates are written as the topology writes them.
 */
class ConversionsPostgresSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration ROWS_TIMEOUT = Duration.ofSeconds(60);
    private static final String DB_USER = "attribution";
    /**
     * The database password, which the worker hands to the connector from its environment
     * (failsafe sets it), as the compose stack's worker does: the committed config names only
     * {@code ${env:POSTGRES_PASSWORD}}.
     */
    private static final String DB_PASSWORD = Objects.requireNonNull(System.getenv("POSTGRES_PASSWORD"),
            "POSTGRES_PASSWORD (set by failsafe)");

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static LocalPostgres postgres;
    private static Connect<StandaloneHerder> connect;
    private static Path workDir;
    private static String jdbcUrl;
    private static URI connectorUri;
    private static JsonNode committedConfig;
    private static RegistrySerdes serdes;

    @BeforeAll
    static void start() throws Exception {
        // The registry (a child JVM) may still be starting: it is first needed for the serdes.
        workDir = Files.createTempDirectory("postgres-sink-it");
        kit.createTopics(2, Topics.CONVERSIONS_ATTRIBUTED.name());
        startPostgres();
        committedConfig = JSON.readTree(Files.readString(Path.of(System.getProperty("postgres-sink.connector-config"))));
        startConnectWorker();
        serdes = new RegistrySerdes(kit.registryUrl());
        createConnector();
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.stop();
            connect.awaitStop();
        }
        Exit.resetExitProcedure();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot stop PostgreSQL", e);
            }
        }
        if (workDir != null) {
            Directories.deleteRecursively(workDir);
        }
    }

    @Test
    void everyConversionIsOneRowInItsLatestStateWithExactAmountsAndUtcTimes() throws Exception {
        Instant clickedAt = Instant.parse("2026-03-01T10:15:30.123Z");
        Instant convertedAt = Instant.parse("2026-03-01T11:00:00.456Z");
        AttributedConversion purchase = conversion("it-conv-purchase", "it-click-1", ConversionStatus.APPROVED)
                .setTxnId("order-1")
                .setSaleAmount(new BigDecimal("49.90"))
                .setRevenue(new BigDecimal("4.99"))
                .setPayout(new BigDecimal("0.000001"))
                .setClickedAt(clickedAt)
                .setConvertedAt(convertedAt)
                // The maps are dropped on the way: quotes and backslashes in them cannot hurt.
                .setSubs(Map.of("sub1", "aff \"quoted\" sub", "sub2", "back\\slash"))
                .setParams(Map.of("coupon", "SAVE\"10", "sku", "=> {}"))
                .build();
        AttributedConversion pendingLead = conversion("it-conv-lead", "it-click-2", ConversionStatus.PENDING)
                .setRevenue(new BigDecimal("123456789012.345678"))
                .setPayout(new BigDecimal("0"))
                .build();
        AttributedConversion capped = conversion("it-conv-capped", "it-click-3", ConversionStatus.CANCELLED)
                .setStatusReason(RejectionReason.CAP_REACHED)
                .build();
        // The postback tester's: stored, and marked so reports can leave it out.
        AttributedConversion test = conversion("it-conv-test", "it-click-4", ConversionStatus.APPROVED)
                .setTest(true)
                .build();
        // Approved right after: likely in the same batch as the pending record it replaces.
        AttributedConversion leadApproved = AttributedConversion.newBuilder(pendingLead)
                .setRequestId("it-req-lead-approved")
                .setStatus(ConversionStatus.APPROVED)
                .setPreviousStatus(ConversionStatus.PENDING)
                .setConvertedAt(pendingLead.getConvertedAt().plusSeconds(60))
                .build();
        write(purchase, pendingLead, leadApproved, capped, test);

        await().atMost(ROWS_TIMEOUT).untilAsserted(() -> {
            Map<String, Map<String, Object>> rows = rows("it-conv-purchase", "it-conv-lead", "it-conv-capped",
                    "it-conv-test");
            assertThat(rows).containsOnlyKeys("it-conv-purchase", "it-conv-lead", "it-conv-capped", "it-conv-test");
            assertThat(rows.get("it-conv-test")).containsEntry("test", "true");
            assertThat(rows.get("it-conv-capped"))
                    .containsEntry("status", "CANCELLED")
                    .containsEntry("status_reason", "CAP_REACHED");
            assertThat(rows.get("it-conv-lead"))
                    .containsEntry("request_id", "it-req-lead-approved")
                    .containsEntry("status", "APPROVED")
                    .containsEntry("previous_status", "PENDING");
        });
        Map<String, Object> purchaseRow = rows("it-conv-purchase").get("it-conv-purchase");
        assertThat(purchaseRow)
                .containsEntry("request_id", "it-conv-purchase")
                .containsEntry("click_id", "it-click-1")
                .containsEntry("campaign_id", "camp-1")
                .containsEntry("advertiser_id", "adv-1")
                .containsEntry("affiliate_id", "aff-42")
                .containsEntry("goal_id", "purchase")
                .containsEntry("goal_value", "purchase")
                .containsEntry("txn_id", "order-1")
                .containsEntry("status", "APPROVED")
                .containsEntry("previous_status", null)
                .containsEntry("status_reason", null)
                .containsEntry("test", "false")
                .containsEntry("currency", "USD")
                // NUMERIC(18,6) as PostgreSQL prints it: exact, no float on the way.
                .containsEntry("sale_amount", "49.900000")
                .containsEntry("revenue", "4.990000")
                .containsEntry("payout", "0.000001")
                .containsEntry("clicked_at", LocalDateTime.ofInstant(clickedAt, ZoneOffset.UTC))
                .containsEntry("converted_at", LocalDateTime.ofInstant(convertedAt, ZoneOffset.UTC));
        Map<String, Object> leadRow = rows("it-conv-lead").get("it-conv-lead");
        assertThat(leadRow)
                .containsEntry("txn_id", null)
                .containsEntry("sale_amount", null)
                .containsEntry("revenue", "123456789012.345678")
                .containsEntry("payout", "0.000000")
                .containsEntry("converted_at",
                        LocalDateTime.ofInstant(leadApproved.getConvertedAt(), ZoneOffset.UTC));

        // A chargeback, later and in a batch of its own: the same row takes the new status.
        Instant chargedBackAt = Instant.parse("2026-03-05T08:30:00.789Z");
        write(AttributedConversion.newBuilder(purchase)
                .setRequestId("it-req-chargeback")
                .setStatus(ConversionStatus.CANCELLED)
                .setPreviousStatus(ConversionStatus.APPROVED)
                .setConvertedAt(chargedBackAt)
                .build());

        await().atMost(ROWS_TIMEOUT).untilAsserted(() -> assertThat(rows("it-conv-purchase").get("it-conv-purchase"))
                .containsEntry("status", "CANCELLED")
                .containsEntry("previous_status", "APPROVED")
                .containsEntry("request_id", "it-req-chargeback")
                .containsEntry("converted_at", LocalDateTime.ofInstant(chargedBackAt, ZoneOffset.UTC))
                .containsEntry("clicked_at", LocalDateTime.ofInstant(clickedAt, ZoneOffset.UTC))
                .containsEntry("revenue", "4.990000")
                .containsEntry("payout", "0.000001"));
        assertThat(count("SELECT count(*) FROM attributed_conversions WHERE conversion_id IN (?, ?)",
                "it-conv-purchase", "it-conv-lead")).isEqualTo(2);
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheConnectorGoesOn() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.CONVERSIONS_ATTRIBUTED.name(), "it-click-poison",
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
        }
        write(conversion("it-conv-after-poison", "it-click-poison", ConversionStatus.APPROVED).build());

        await().atMost(ROWS_TIMEOUT).untilAsserted(() ->
                assertThat(rows("it-conv-after-poison")).containsKey("it-conv-after-poison"));
        String deadLetters = committedConfig.at("/config/errors.deadletterqueue.topic.name").asText();
        await().atMost(ROWS_TIMEOUT).untilAsserted(() -> assertThat(
                        kit.readAll(deadLetters, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                .anySatisfy(record -> {
                    assertThat(record.key()).isEqualTo("it-click-poison".getBytes(StandardCharsets.UTF_8));
                    assertThat(record.headers().lastHeader("__connect.errors.topic").value())
                            .isEqualTo(Topics.CONVERSIONS_ATTRIBUTED.name().getBytes(StandardCharsets.UTF_8));
                }));
        assertThat(connectorState()).isEqualTo("RUNNING");
    }

    private static AttributedConversion.Builder conversion(String conversionId, String clickId,
                                                           ConversionStatus status) {
        Instant now = Instant.now();
        return AttributedConversion.newBuilder()
                .setConversionId(conversionId)
                .setRequestId(conversionId)
                .setClickId(clickId)
                .setCampaignId("camp-1")
                .setAdvertiserId("adv-1")
                .setAffiliateId("aff-42")
                .setGoalId("purchase")
                .setGoalValue("purchase")
                .setStatus(status)
                .setRevenue(new BigDecimal("1.00"))
                .setPayout(new BigDecimal("0.50"))
                .setCurrency("USD")
                .setClickedAt(now.minusSeconds(60))
                .setConvertedAt(now);
    }

    /** Written as the topology writes them: keyed by click_id, through the registry serdes. */
    private static void write(AttributedConversion... conversions) throws Exception {
        try (KafkaProducer<String, AttributedConversion> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), serdes.valueSerializer(Topics.CONVERSIONS_ATTRIBUTED))) {
            for (AttributedConversion conversion : conversions) {
                producer.send(new ProducerRecord<>(Topics.CONVERSIONS_ATTRIBUTED.name(),
                        conversion.getClickId(), conversion)).get();
            }
        }
    }

    /** The rows of these conversions, by conversion_id; numbers as PostgreSQL prints them. */
    private static Map<String, Map<String, Object>> rows(String... conversionIds) throws SQLException {
        String sql = "SELECT conversion_id, request_id, click_id, campaign_id, advertiser_id, affiliate_id,"
                + " goal_id, goal_value, txn_id, status, previous_status, status_reason,"
                + " sale_amount::text AS sale_amount, revenue::text AS revenue, payout::text AS payout,"
                + " currency, clicked_at, converted_at, test::text AS test"
                + " FROM attributed_conversions WHERE conversion_id = ANY (?)";
        Map<String, Map<String, Object>> rows = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, DB_USER, DB_PASSWORD);
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setArray(1, connection.createArrayOf("text", conversionIds));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                        String name = result.getMetaData().getColumnName(column);
                        row.put(name, name.endsWith("_at")
                                ? result.getObject(column, LocalDateTime.class)
                                : result.getString(column));
                    }
                    rows.put(result.getString("conversion_id"), row);
                }
            }
        }
        return rows;
    }

    private static long count(String sql, String... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, DB_USER, DB_PASSWORD);
             PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }


    /**
     * PostgreSQL on 127.0.0.1, a free port, with a database and an owner as an operator would set
     * them up, and the committed table created by its owner (twice: the DDL is idempotent).
     */
    private static void startPostgres() throws Exception {
        Path ddl = Path.of(System.getProperty("postgres-sink.ddl"));
        postgres = LocalPostgres.start("attribution", DB_USER, DB_PASSWORD, List.of(ddl, ddl));
        jdbcUrl = postgres.jdbcUrl();
    }

    /** A standalone worker as {@code connect-standalone.sh} starts one, with the built plugin directories. */
    private static void startConnectWorker() {
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", kit.bootstrapServers());
        worker.put("plugin.path", System.getProperty("postgres-sink.plugin-path"));
        worker.put("listeners", "http://127.0.0.1:0");
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("offset.storage.file.filename", workDir.resolve("connect.offsets").toString());
        worker.put("offset.flush.interval.ms", "1000");
        worker.putAll(committedConfigProviders());
        // Connect exits the JVM when it cannot start: fail the test instead.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Kafka Connect wanted to exit with status " + status + ": " + message);
        });
        // Connect makes its plugin loader the thread's context class loader: keep JUnit's.
        ClassLoader testLoader = Thread.currentThread().getContextClassLoader();
        try {
            connect = new ConnectStandalone().startConnect(worker);
        } finally {
            Thread.currentThread().setContextClassLoader(testLoader);
        }
        connectorUri = connect.rest().serverUrl().resolve("/connectors/");
    }

    /** The config providers of the deployed worker, through which connector configs name their secrets. */
    private static Map<String, String> committedConfigProviders() {
        Properties deployed = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(System.getProperty("postgres-sink.worker-config")))) {
            deployed.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> providers = new HashMap<>();
        deployed.stringPropertyNames().stream().filter(key -> key.startsWith("config.providers"))
                .forEach(key -> providers.put(key, deployed.getProperty(key)));
        assertThat(providers).as("the deployed worker's config providers").containsKey("config.providers");
        return providers;
    }

    /**
     * POSTs the committed configuration with this test's addresses, as an operator would; its
     * password stays the committed reference to the worker's environment.
     */
    private static void createConnector() throws Exception {
        ObjectNode request = committedConfig.deepCopy();
        ObjectNode config = (ObjectNode) request.get("config");
        config.put("connection.url", jdbcUrl);
        config.put("connection.username", DB_USER);
        config.put("value.converter.apicurio.registry.url", kit.registryUrl());
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(connectorUri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(connectorState()).isEqualTo("RUNNING"));
    }

    /** RUNNING once the connector and its one task run; FAILED with the task's trace otherwise. */
    private static String connectorState() throws Exception {
        String name = committedConfig.get("name").asText();
        HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(connectorUri.resolve(name + "/status")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (status.statusCode() != 200) {
            return "HTTP " + status.statusCode() + ": " + status.body();
        }
        JsonNode body = JSON.readTree(status.body());
        JsonNode task = body.path("tasks").path(0);
        if (task.isMissingNode()) {
            return "no task yet";
        }
        String state = body.at("/connector/state").asText() + "/" + task.path("state").asText();
        return state.equals("RUNNING/RUNNING") ? "RUNNING" : state + " " + task.path("trace").asText();
    }
}

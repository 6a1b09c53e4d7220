package io.attribution.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.PayoutType;
import io.attribution.avro.RawPostback;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.query.access.CampaignOwners;
import io.attribution.query.access.QueryAccess;
import io.attribution.query.access.QueryTokens;
import io.attribution.query.protocol.QueryProtocol;
import io.attribution.query.routing.QueryRouter;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.TopologyRole;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The OpenAPI document ({@code openapi.yaml}) against the real API: one attribution instance on a
 * real broker and schema registry, seeded with a campaign, clicks and postbacks of every fate.
 * Every documented operation is called, every answer's status must be documented for it and its
 * body must validate against the documented schema (JSON Schema 2020-12, the OpenAPI 3.1
 * dialect); every registered path must be documented, every documented operation must be served,
 * and every documented response must have been seen.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    /** Where the validator finds the served document: mapped, never fetched. */
    private static final String DOCUMENT_IRI = "https://query.attribution.invalid/openapi.json";

    // The seed, with the ids the document's examples use.
    private static final String CAMPAIGN = "camp-1";
    private static final String ADVERTISER = "adv-1";
    private static final String AFFILIATE = "aff-1";
    private static final String CLICK = "click-1";
    private static final String TXN_CLICK = "click-2";
    private static final String LATE_CLICK = "click-late";
    private static final String TXN = "order-1";
    /** The document's example request id: attributed, on {@link #CLICK}. */
    private static final String ATTRIBUTED = "3f6d2c1a-8b7e-4c55-9a0e-2d1f5b6c7d8e";
    private static final String DUPLICATE = "rq-duplicate";
    private static final String UNKNOWN_GOAL = "rq-unknown-goal";
    private static final String TXN_PENDING = "rq-txn-pending";
    private static final String TXN_APPROVED = "rq-txn-approved";
    private static final String WAITING = "rq-waiting-for-click";
    private static final int PARTITIONS = 3;

    @TempDir
    static Path stateDir;

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static StreamsInstance instance;
    private static Instant seededAt;

    private static JsonNode document;
    private static SchemaRegistry schemas;
    private static Reply jettyNotFound;
    /** operation ("GET /clicks/{click_id}") -> statuses seen, filled by every call. */
    private static final Map<String, Set<Integer>> seen = new TreeMap<>();

    @BeforeAll
    static void startAndSeed() throws Exception {
        PipelineTopics.create(kit, PARTITIONS, PARTITIONS);
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        seededAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Writer writer = new Writer(kit.bootstrapServers(), serdes)) {
            // The campaign and clicks first: the global campaign store is loaded before processing starts.
            writer.write(Topics.CAMPAIGNS, CAMPAIGN, campaign());
            writer.write(Topics.CLICKS, CLICK, click(CLICK));
            writer.write(Topics.CLICKS, TXN_CLICK, click(TXN_CLICK));
            // Clicks that never convert: another sub1, and none.
            writer.write(Topics.CLICKS, "click-banner-b", click("click-banner-b", "banner-b"));
            writer.write(Topics.CLICKS, "click-no-sub1", click("click-no-sub1", null));

            instance = AttributionInstance.start(kit.bootstrapServers(), serdes, kit.uniqueId("openapi-contract"),
                    stateDir, 0, AttributionSettings.defaults().withInputPartitions(PARTITIONS));
            document = JSON.readTree(get("/openapi.json").body());
            schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder
                    .schemas(Map.of(DOCUMENT_IRI, document.toString()))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
            jettyNotFound = get("/no-such-servlet");
            await("the instance runs and holds the clicks").atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> instance.running(1) && get("/clicks/" + CLICK).status() == 200);

            writer.write(Topics.POSTBACKS_RAW, CLICK, postback(ATTRIBUTED, CLICK, "goal_value", "install"));
            // Identical to the one before: DUPLICATE_CONVERSION.
            writer.write(Topics.POSTBACKS_RAW, CLICK, postback(DUPLICATE, CLICK, "goal_value", "install"));
            writer.write(Topics.POSTBACKS_RAW, CLICK, postback(UNKNOWN_GOAL, CLICK, "goal_value", "no-such-goal"));
            writer.write(Topics.POSTBACKS_RAW, TXN_CLICK, postback(TXN_PENDING, TXN_CLICK, "goal_value", "purchase",
                    "sale_amount", "49.90", "txn_id", TXN, "status", "pending"));
            // No goal of its own: a status update of the txn's conversion.
            writer.write(Topics.POSTBACKS_RAW, TXN_CLICK, postback(TXN_APPROVED, TXN_CLICK, "txn_id", TXN,
                    "status", "approved"));
            // Its click never comes: it waits out the (10-minute) grace.
            writer.write(Topics.POSTBACKS_RAW, LATE_CLICK, postback(WAITING, LATE_CLICK, "goal_value", "install"));
        }
        await("every postback decided and in the views").atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    Reply stats = get("/stats/campaigns/" + CAMPAIGN);
                    assertThat(stats.status()).isEqualTo(200);
                    assertThat(stats.json().at("/total/postbacks_received").asLong()).isEqualTo(5);
                    assertThat(stats.json().at("/total/conversions/APPROVED").asLong()).isEqualTo(2);
                    assertThat(stats.json().at("/total/clicks").asLong()).isEqualTo(4);
                    assertThat(get("/postbacks/" + WAITING + "?click_id=" + LATE_CLICK).status()).isEqualTo(200);
                });
    }

    @AfterAll
    static void stop() {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    @Order(1)
    void theDocumentIsServedAsYamlAndJsonBeforeTheRouterIsAttached() throws Exception {
        try (QueryServer unattached = AttributionQueryApi.start("127.0.0.1", 0, Clock.systemUTC())) {
            URI base = unattached.uri();
            Reply yaml = get(base, "/openapi.yaml");
            Reply json = get(base, "/openapi.json");

            assertThat(yaml.status()).isEqualTo(200);
            assertThat(yaml.mediaType()).isEqualTo("application/yaml");
            assertThat(json.status()).isEqualTo(200);
            assertThat(json.mediaType()).isEqualTo("application/json");
            JsonNode written;
            try (InputStream resource = getClass().getClassLoader().getResourceAsStream("openapi.yaml")) {
                assertThat(resource).isNotNull();
                written = new YAMLMapper().readTree(resource);
            }
            assertThat(new YAMLMapper().readTree(yaml.body())).isEqualTo(written);
            assertThat(JSON.readTree(json.body())).isEqualTo(written).isEqualTo(document);
            assertThat(written.path("openapi").asText()).startsWith("3.1.");
            record(base, "/openapi.yaml", yaml);
            record(base, "/openapi.json", json);

            // Every query operation answers, in the documented 503 shape, until Kafka Streams exists.
            for (Operation operation : operations()) {
                if (operation.path().startsWith("/openapi.")) {
                    continue;
                }
                Reply reply = call(base, operation.example(), 503);
                assertThat(reply.json().path("error").asText()).isEqualTo("NOT_READY");
            }
        }
    }

    @Test
    @Order(2)
    void everyRegisteredPathIsDocumentedAndEveryDocumentedPathIsRegistered() {
        List<String> specs = AttributionQueryApi.pathSpecs();
        Set<String> documented = new TreeSet<>();
        document.path("paths").fieldNames().forEachRemaining(documented::add);

        assertThat(specs).isNotEmpty().doesNotHaveDuplicates();
        for (String spec : specs) {
            assertThat(documented).as("documented paths served by %s", spec)
                    .anyMatch(path -> servedBy(spec, path));
        }
        for (String path : documented) {
            assertThat(specs).as("path specs serving the documented %s", path)
                    .anyMatch(spec -> servedBy(spec, path));
            assertThat(document.path("paths").path(path).fieldNames()).toIterable()
                    .as("methods of %s: the API is GET only", path).containsExactly("get");
        }
    }

    @Test
    @Order(3)
    void everyOperationAnswersItsDocumentedExampleInTheDocumentedShape() {
        for (Operation operation : operations()) {
            Reply reply = call(instance.uri(""), operation.example(), null);
            assertThat(reply.status()).as("%s with its documented examples: %s", operation, reply.body())
                    .isIn(200, 404);
        }
    }

    @Test
    @Order(4)
    void statsAnswerTheSeededPostbacks() {
        String range = "?from=" + seededAt.minus(Duration.ofHours(2)) + "&to=" + seededAt.plus(Duration.ofHours(1));
        JsonNode hourly = call("/stats/campaigns/" + CAMPAIGN + range + "&granularity=hour", 200).json();
        JsonNode total = hourly.path("total");
        assertThat(hourly.path("dimension").asText()).isEqualTo("campaign");
        assertThat(hourly.path("granularity").asText()).isEqualTo("hour");
        assertThat(total.path("postbacks_received").asLong()).isEqualTo(5);
        assertThat(total.path("conversions")).isEqualTo(JSON.createObjectNode().put("APPROVED", 2));
        assertThat(total.path("rejections")).isEqualTo(JSON.createObjectNode()
                .put("DUPLICATE_CONVERSION", 1).put("UNKNOWN_GOAL", 1));
        // install: revenue 2.00, payout 1.50; purchase: 15% and 10% of 49.90, to the cent.
        assertThat(total.path("revenue").path("USD").asText()).isEqualTo("9.49");
        assertThat(total.path("payout").path("USD").asText()).isEqualTo("6.49");
        // Four clicks, two of them converted (APPROVED): half; 6.49 paid out over four clicks.
        assertThat(total.path("clicks").asLong()).isEqualTo(4);
        assertThat(total.path("conversion_rate").asText()).isEqualTo("0.5");
        assertThat(total.path("epc").path("USD").asText()).isEqualTo("1.6225");
        assertThat(hourly.path("stale").asBoolean()).isFalse();
        assertThat(hourly.path("answered_by").size()).isEqualTo(3);

        JsonNode daily = call("/stats/campaigns/" + CAMPAIGN + range + "&granularity=DAY&allow_stale=true", 200).json();
        assertThat(daily.path("granularity").asText()).isEqualTo("day");
        assertThat(daily.path("total")).isEqualTo(total);
        daily.path("buckets").forEach(bucket -> assertThat(bucket.path("start").asText()).endsWith("T00:00:00Z"));

        JsonNode goal = call("/stats/goals/" + CAMPAIGN + "/install" + range, 200).json();
        assertThat(goal.path("id").asText()).isEqualTo(CAMPAIGN + "/install");
        assertThat(goal.at("/total/postbacks_received").asLong()).isEqualTo(2);
        assertThat(goal.at("/total/rejections/DUPLICATE_CONVERSION").asLong()).isEqualTo(1);
        // A click has no goal: the goal's clicks are the campaign's, its rate the share that installed.
        assertThat(goal.at("/total/clicks").asLong()).isEqualTo(4);
        assertThat(goal.at("/total/conversion_rate").asText()).isEqualTo("0.25");
        assertThat(goal.at("/total/epc/USD").asText()).isEqualTo("0.375");

        JsonNode affiliate = call("/stats/affiliates/" + AFFILIATE + range, 200).json();
        assertThat(affiliate.at("/total/postbacks_received").asLong()).isEqualTo(5);
        assertThat(affiliate.at("/total/clicks").asLong()).isEqualTo(4);

        JsonNode unknown = call("/stats/campaigns/no-such-campaign", 200).json();
        assertThat(unknown.path("buckets").size()).isZero();
        assertThat(unknown.at("/total/postbacks_received").asLong()).isZero();
        assertThat(unknown.at("/total/clicks").asLong()).isZero();
        assertThat(unknown.at("/total/conversion_rate").isNull()).as("no clicks, no rate").isTrue();
        assertThat(unknown.at("/total/epc").isNull()).isTrue();
    }

    @Test
    @Order(4)
    void theSub1BreakdownRanksTheAffiliatesValuesByClicks() {
        String range = "?from=" + seededAt.minus(Duration.ofHours(2)) + "&to=" + seededAt.plus(Duration.ofHours(1));
        JsonNode breakdown = call("/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE + range, 200).json();
        assertThat(breakdown.path("sub1_values").asInt()).isEqualTo(2);
        assertThat(breakdown.path("capped").asBoolean()).isFalse();
        assertThat(breakdown.at("/total/clicks").asLong()).isEqualTo(4);
        JsonNode top = breakdown.at("/subs/0");
        assertThat(top.path("sub1").asText()).isEqualTo("banner-a");
        assertThat(top.path("clicks").asLong()).isEqualTo(2);
        assertThat(top.path("conversions")).isEqualTo(JSON.createObjectNode().put("APPROVED", 2));
        assertThat(top.path("conversion_rate").asText()).isEqualTo("1");
        assertThat(top.at("/payout/USD").asText()).isEqualTo("6.49");
        assertThat(top.at("/epc/USD").asText()).isEqualTo("3.245");
        JsonNode second = breakdown.at("/subs/1");
        assertThat(second.path("sub1").asText()).isEqualTo("banner-b");
        assertThat(second.path("conversion_rate").asText()).isEqualTo("0");
        assertThat(second.path("epc").size()).as("nothing paid out").isZero();
        assertThat(breakdown.at("/no_sub1/clicks").asLong()).isEqualTo(1);
        assertThat(breakdown.at("/rest/clicks").asLong()).isZero();
        assertThat(breakdown.at("/rest/conversion_rate").isNull()).isTrue();

        JsonNode limited = call("/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE + range + "&limit=1", 200).json();
        assertThat(limited.path("subs").size()).isEqualTo(1);
        assertThat(limited.at("/rest/clicks").asLong()).as("banner-b, past the limit").isEqualTo(1);
        assertThat(limited.path("total")).isEqualTo(breakdown.path("total"));
    }

    @Test
    @Order(5)
    void clicksAndTheirConversions() {
        JsonNode click = call("/clicks/" + CLICK + "?allow_stale=true", 200).json();
        assertThat(click.at("/click/campaign_id").asText()).isEqualTo(CAMPAIGN);
        assertThat(click.path("answered_by").size()).isEqualTo(1);

        JsonNode conversions = call("/clicks/" + TXN_CLICK + "/conversions", 200).json().path("conversions");
        assertThat(conversions.size()).isEqualTo(1);
        assertThat(conversions.at("/0/status").asText()).isEqualTo("APPROVED");
        assertThat(conversions.at("/0/previous_status").asText()).isEqualTo("PENDING");
        assertThat(conversions.at("/0/conversion_id").asText()).isEqualTo(TXN_PENDING);
        assertThat(conversions.at("/0/request_id").asText()).isEqualTo(TXN_APPROVED);
        assertThat(conversions.at("/0/revenue").asText()).isEqualTo("7.49");

        assertThat(call("/clicks/click-404/conversions", 200).json().path("conversions").size()).isZero();
        Reply unknown = call("/clicks/click-404", 404);
        assertThat(unknown.json().path("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(unknown.json().path("message").asText()).contains("click-404");
    }

    @Test
    @Order(6)
    void conversionsByTxnId() {
        JsonNode found = call("/conversions?txn_id=" + TXN + "&advertiser_id=" + ADVERTISER, 200).json();
        assertThat(found.path("conversions").size()).isEqualTo(1);
        assertThat(found.at("/conversions/0/txn_id").asText()).isEqualTo(TXN);
        // The txn id as looked up, without the blanks the lookup ignored.
        assertThat(call("/conversions?txn_id=%20" + TXN + "%20", 200).json().path("txn_id").asText()).isEqualTo(TXN);

        call("/conversions?txn_id=" + TXN + "&advertiser_id=another-advertiser", 404);
        call("/conversions?txn_id=no-such-txn&allow_stale=true", 404);
    }

    @Test
    @Order(7)
    void everyFateOfAPostback() {
        JsonNode attributed = call("/postbacks/" + ATTRIBUTED, 200).json();
        assertThat(attributed.path("state").asText()).isEqualTo("ATTRIBUTED");
        assertThat(attributed.path("answered_by").size()).as("fanned out without click_id").isEqualTo(3);
        JsonNode keyed = call("/postbacks/" + ATTRIBUTED + "?click_id=" + CLICK, 200).json();
        assertThat(keyed.path("conversion")).isEqualTo(attributed.path("conversion"));
        assertThat(keyed.path("answered_by").size()).as("keyed with click_id").isEqualTo(1);

        JsonNode update = call("/postbacks/" + TXN_APPROVED + "?click_id=" + TXN_CLICK, 200).json();
        assertThat(update.at("/conversion/previous_status").asText()).isEqualTo("PENDING");

        JsonNode duplicate = call("/postbacks/" + DUPLICATE, 200).json();
        assertThat(duplicate.path("state").asText()).isEqualTo("REJECTED");
        assertThat(duplicate.at("/rejection/reason").asText()).isEqualTo("DUPLICATE_CONVERSION");
        assertThat(call("/postbacks/" + UNKNOWN_GOAL, 200).json().at("/rejection/reason").asText())
                .isEqualTo("UNKNOWN_GOAL");

        // Not in the log: the follow-up question finds it waiting for its click.
        JsonNode waiting = call("/postbacks/" + WAITING, 200).json();
        assertThat(waiting.path("state").asText()).isEqualTo("PENDING");
        assertThat(waiting.at("/postback/click_id").asText()).isEqualTo(LATE_CLICK);
        assertThat(call("/postbacks/" + WAITING + "/pending?click_id=" + LATE_CLICK, 200).json().path("state").asText())
                .isEqualTo("PENDING");
        assertThat(call("/postbacks/" + WAITING + "/pending", 200).json().path("answered_by").size()).isEqualTo(3);

        call("/postbacks/" + ATTRIBUTED + "/pending", 404);
        call("/postbacks/rq-never-received", 404);
    }

    @Test
    @Order(8)
    void recentRejectionsNewestFirst() {
        JsonNode all = call("/campaigns/" + CAMPAIGN + "/rejections", 200).json().path("rejections");
        assertThat(all.size()).isEqualTo(2);
        assertThat(Instant.parse(all.at("/0/rejected_at").asText()))
                .isAfterOrEqualTo(Instant.parse(all.at("/1/rejected_at").asText()));

        JsonNode filtered = call("/campaigns/" + CAMPAIGN + "/rejections?reason=unknown_goal&limit=1&allow_stale=true",
                200).json().path("rejections");
        assertThat(filtered.size()).isEqualTo(1);
        assertThat(filtered.at("/0/request_id").asText()).isEqualTo(UNKNOWN_GOAL);
        assertThat(call("/campaigns/" + CAMPAIGN + "/rejections?limit=1", 200).json().path("rejections").size())
                .isEqualTo(1);
        assertThat(call("/campaigns/no-such-campaign/rejections", 200).json().path("rejections").size()).isZero();
    }

    @Test
    @Order(9)
    void unreadableParametersAnswer400NamingTheField() {
        assertBadParameter("/stats/campaigns/" + CAMPAIGN + "?granularity=week", "granularity");
        assertBadParameter("/stats/affiliates/" + AFFILIATE + "?from=yesterday", "from");
        assertBadParameter("/stats/goals/" + CAMPAIGN + "/install?from=2026-11-26&to=2026-11-25", "to");
        // 400 days exactly, but 400 days and an hour once widened to whole hours: what other instances are asked.
        assertBadParameter("/stats/campaigns/" + CAMPAIGN + "?from=2025-01-01T00:30:00Z&to=2026-02-05T00:30:00Z", "from");
        assertBadParameter("/clicks/" + CLICK + "?allow_stale=maybe", "allow_stale");
        assertBadParameter("/clicks/" + CLICK + "/conversions?allow_stale=maybe", "allow_stale");
        assertBadParameter("/conversions?advertiser_id=" + ADVERTISER, "txn_id");
        assertBadParameter("/postbacks/" + ATTRIBUTED + "?allow_stale=maybe", "allow_stale");
        assertBadParameter("/postbacks/" + ATTRIBUTED + "?partitions=0", QueryProtocol.PARTITIONS);
        assertBadParameter("/postbacks/" + WAITING + "/pending?allow_stale=maybe", "allow_stale");
        assertBadParameter("/campaigns/" + CAMPAIGN + "/rejections?reason=NOT_A_REASON", "reason");
        assertBadParameter("/campaigns/" + CAMPAIGN + "/rejections?limit=0", "limit");
        assertBadParameter("/campaigns/" + CAMPAIGN + "/rejections?limit=1001", "limit");
        assertBadParameter("/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE + "?limit=201", "limit");
        assertBadParameter("/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE + "?from=2026-01-01&to=2026-02-02", "from");

        // Paths of a shape the document does not have: refused as such, never read as a shorter one.
        for (String path : List.of("/stats/campaigns/" + CAMPAIGN + "/extra", "/stats/goals/" + CAMPAIGN + "/install/extra",
                "/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE + "/extra",
                "/clicks/" + CLICK + "/other", "/postbacks/" + ATTRIBUTED + "/other", "/campaigns/" + CAMPAIGN)) {
            Reply reply = get(path);
            assertThat(reply.status()).as("%s: %s", path, reply.body()).isEqualTo(400);
            assertThat(reply.json().path("field").asText()).isEqualTo("path");
            assertValid(reply, "#/components/schemas/Error");
        }
        Reply missingGoal = get("/stats/goals/" + CAMPAIGN);
        assertThat(missingGoal.status()).isEqualTo(400);
        assertThat(missingGoal.json().path("field").asText()).isEqualTo("goal_id");
        assertValid(missingGoal, "#/components/schemas/Error");

        // Jetty's own 404 for a path no servlet serves has the documented error shape too.
        assertThat(jettyNotFound.status()).isEqualTo(404);
        assertValid(jettyNotFound, "#/components/schemas/Error");
    }

    @Test
    @Order(10)
    void theValidatorRejectsBodiesThatBreakTheDocument() {
        ObjectNode stats = (ObjectNode) get("/stats/campaigns/" + CAMPAIGN).json().deepCopy();
        assertThat(errors("#/components/schemas/Stats", stats)).isEmpty();
        ObjectNode numberAmount = stats.deepCopy();
        ((ObjectNode) numberAmount.path("total").path("revenue")).put("USD", 9.49);
        assertThat(errors("#/components/schemas/Stats", numberAmount)).isNotEmpty();
        ObjectNode undocumented = stats.deepCopy().put("surprise", 1);
        assertThat(errors("#/components/schemas/Stats", undocumented)).isNotEmpty();
        ObjectNode staleWithoutPartitions = stats.deepCopy().put("stale", true);
        assertThat(errors("#/components/schemas/Stats", staleWithoutPartitions)).isNotEmpty();

        ObjectNode click = (ObjectNode) get("/clicks/" + CLICK).json().deepCopy();
        ((ObjectNode) click.path("click")).put("clicked_at", "yesterday");
        assertThat(errors("#/components/schemas/ClickAnswer", click)).isNotEmpty();

        ObjectNode pending = (ObjectNode) get("/postbacks/" + WAITING).json().deepCopy();
        assertThat(errors("#/components/schemas/PostbackFate", pending)).isEmpty();
        assertThat(errors("#/components/schemas/PostbackFate", pending.deepCopy().put("decided_at", seededAt.toString())))
                .isNotEmpty();
        assertThat(errors("#/components/schemas/PostbackFate", pending.deepCopy().remove(List.of("postback"))))
                .isNotEmpty();
    }

    /**
     * A second query server over the same instance's stores, with read tokens: every operation but
     * the document's answers 401 without a token, those naming a campaign or affiliate in the path
     * 403 for a scope that does not own it, and a scoped token's answers keep the documented shape.
     */
    @Test
    @Order(11)
    void tokensAndScopesAnswerInTheDocumentedShape() throws Exception {
        Path tokens = stateDir.resolve("query-tokens.json");
        Files.writeString(tokens, "{\"tokens\": [{\"name\": \"other\", \"sha256\": \"" + sha256(OTHER_ADVERTISER_TOKEN)
                + "\", \"scope\": \"advertiser:adv-2\"}, {\"name\": \"affiliate\", \"sha256\": \""
                + sha256(AFFILIATE_TOKEN) + "\", \"scope\": \"affiliate:" + AFFILIATE + "\"}]}");
        CampaignOwners owners = new CampaignOwners() {
            @Override
            public Optional<String> advertiserOf(String campaignId) {
                return campaignId.equals(CAMPAIGN) ? Optional.of(ADVERTISER) : Optional.empty();
            }

            @Override
            public boolean current() {
                return true;
            }
        };
        try (QueryServer secured = AttributionQueryApi.start("127.0.0.1", 0, Clock.systemUTC(),
                QueryAccess.withTokens(QueryTokens.load(tokens), "a-peer-token-for-the-test"))) {
            // Routed as the instance itself: every partition is local to it.
            secured.attach(QueryRouter.builder(AttributionQueryApi.applications(TopologyRole.ALL,
                    Optional.of(instance.applications.get(0)), Optional.of(instance.applications.get(1))),
                    instance.host).build(), owners);
            URI base = secured.uri();
            for (Operation operation : operations()) {
                if (operation.path().startsWith("/openapi")) {
                    assertThat(call(base, operation.example(), 200).status()).isEqualTo(200);
                    continue;
                }
                Reply none = call(base, operation.example(), 401);
                assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
            }
            Map<String, String> other = Map.of("Authorization", "Bearer " + OTHER_ADVERTISER_TOKEN);
            for (String forbidden : List.of("/stats/campaigns/" + CAMPAIGN, "/stats/goals/" + CAMPAIGN + "/g-install",
                    "/stats/affiliates/" + AFFILIATE, "/campaigns/" + CAMPAIGN + "/rejections",
                    "/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE)) {
                assertThat(call(base, forbidden, 403, other).body()).contains("FORBIDDEN");
            }
            // Found by id but not the other advertiser's: as unknown.
            call(base, "/clicks/" + CLICK, 404, other);
            call(base, "/postbacks/" + ATTRIBUTED, 404, other);
            assertThat(call(base, "/clicks/" + TXN_CLICK + "/conversions", 200, other).json().get("conversions")).isEmpty();

            Map<String, String> affiliate = Map.of("Authorization", "Bearer " + AFFILIATE_TOKEN);
            JsonNode affiliateStats = call(base, "/stats/affiliates/" + AFFILIATE, 200, affiliate).json();
            assertThat(affiliateStats.findValues("revenue")).as("the network's revenue").isEmpty();
            assertThat(affiliateStats.at("/total/payout").isObject()).isTrue();
            call(base, "/stats/sub1/" + CAMPAIGN + "/" + AFFILIATE, 200, affiliate);
            call(base, "/stats/sub1/" + CAMPAIGN + "/aff-2", 403, affiliate);
            JsonNode fate = call(base, "/postbacks/" + ATTRIBUTED, 200, affiliate).json();
            assertThat(fate.get("conversion").has("params")).isFalse();
            assertThat(fate.get("conversion").has("revenue")).isFalse();
            JsonNode rejections = call(base, "/campaigns/" + CAMPAIGN + "/rejections", 200, affiliate).json();
            assertThat(rejections.get("rejections")).isNotEmpty()
                    .allSatisfy(rejection -> assertThat(rejection.has("postback")).isFalse());
        }
    }

    private static final String OTHER_ADVERTISER_TOKEN = "token-of-another-advertiser";
    private static final String AFFILIATE_TOKEN = "token-of-the-affiliate";

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @Order(12)
    void everyDocumentedResponseOfEveryOperationWasSeen() {
        Map<String, Set<Integer>> documented = new TreeMap<>();
        for (Operation operation : operations()) {
            Set<Integer> statuses = new TreeSet<>();
            operation.node().path("responses").fieldNames().forEachRemaining(code -> statuses.add(Integer.parseInt(code)));
            documented.put(operation.toString(), statuses);
        }
        assertThat(seen).isEqualTo(documented);
    }

    // --- calling the API and checking answers against the document ---

    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{[^}/]+}");

    /** A documented operation: its path template and its {@code get}. */
    private record Operation(String path, JsonNode node) {

        /** The path with each path parameter's example, and every query parameter's example. */
        String example() {
            String filled = path;
            List<String> query = new ArrayList<>();
            for (JsonNode parameter : node.path("parameters")) {
                JsonNode resolved = resolve(parameter);
                String name = resolved.path("name").asText();
                String value = resolved.path("example").asText();
                assertThat(resolved.has("example")).as("%s: example of parameter %s", this, name).isTrue();
                if (resolved.path("in").asText().equals("path")) {
                    filled = filled.replace("{" + name + "}", value);
                } else {
                    query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
                }
            }
            return filled + (query.isEmpty() ? "" : "?" + String.join("&", query));
        }

        /** Whether a request path is this template's: each {@code {parameter}} one non-empty segment. */
        boolean matches(String requestPath) {
            StringBuilder regex = new StringBuilder();
            Matcher parameter = PATH_PARAMETER.matcher(path);
            int literal = 0;
            while (parameter.find()) {
                regex.append(Pattern.quote(path.substring(literal, parameter.start()))).append("[^/]+");
                literal = parameter.end();
            }
            regex.append(Pattern.quote(path.substring(literal)));
            return requestPath.matches(regex.toString());
        }

        @Override
        public String toString() {
            return "GET " + path;
        }
    }

    private static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        document.path("paths").properties().forEach(path ->
                operations.add(new Operation(path.getKey(), path.getValue().path("get"))));
        return operations;
    }

    private static Operation operationOf(String requestPath) {
        List<Operation> matching = operations().stream().filter(o -> o.matches(requestPath)).toList();
        assertThat(matching).as("documented operations for %s", requestPath).hasSize(1);
        return matching.get(0);
    }

    /** Calls the instance; see {@link #call(URI, String, Integer)}. */
    private static Reply call(String pathAndQuery, int status) {
        return call(instance.uri(""), pathAndQuery, status);
    }

    /**
     * Calls a documented operation and checks the answer against the document: the status is one
     * documented for the operation (and {@code status}, unless null), it is not Jetty's answer for a
     * path no servlet serves, the content type is documented, a JSON body validates against the
     * documented schema, and the documented required headers are there.
     */
    private static Reply call(URI base, String pathAndQuery, Integer status) {
        return call(base, pathAndQuery, status, Map.of());
    }

    private static Reply call(URI base, String pathAndQuery, Integer status, Map<String, String> headers) {
        Reply reply = get(base, pathAndQuery, headers);
        if (status != null) {
            assertThat(reply.status()).as("GET %s: %s", pathAndQuery, reply.body()).isEqualTo(status);
        }
        record(base, pathAndQuery, reply);
        return reply;
    }

    private static void record(URI base, String pathAndQuery, Reply reply) {
        String path = URI.create(base.resolve(pathAndQuery).toString()).getPath();
        Operation operation = operationOf(path);
        assertThat(reply.status() == jettyNotFound.status() && reply.body().equals(jettyNotFound.body()))
                .as("%s answers Jetty's 404 for a path no servlet serves", pathAndQuery).isFalse();
        JsonNode response = operation.node().path("responses").path(Integer.toString(reply.status()));
        assertThat(response.isMissingNode()).as("%s answered %d, not documented for %s: %s", pathAndQuery,
                reply.status(), operation, reply.body()).isFalse();
        response = resolve(response);
        JsonNode content = response.path("content").path(reply.mediaType());
        assertThat(content.isMissingNode()).as("%s answered %s, not documented", pathAndQuery, reply.mediaType())
                .isFalse();
        if (reply.mediaType().equals("application/json")) {
            JsonNode schema = content.path("schema");
            String location = schema.has("$ref") ? schema.path("$ref").asText()
                    : "#/paths/" + pointer(operation.path()) + "/get/responses/" + reply.status()
                    + "/content/application~1json/schema";
            assertValid(reply, location);
        }
        response.path("headers").properties().forEach(header -> {
            JsonNode definition = resolve(header.getValue());
            String value = reply.header(header.getKey());
            if (definition.path("required").asBoolean()) {
                assertThat(value).as("%s: header %s", pathAndQuery, header.getKey()).isNotNull();
            }
            if (value != null && definition.at("/schema/type").asText().equals("integer")) {
                assertThat(value).as("%s: header %s", pathAndQuery, header.getKey()).matches("[0-9]+");
            }
        });
        seen.computeIfAbsent(operation.toString(), o -> new TreeSet<>()).add(reply.status());
    }

    private static void assertBadParameter(String pathAndQuery, String field) {
        Reply reply = call(pathAndQuery, 400);
        assertThat(reply.json().path("error").asText()).isEqualTo("BAD_PARAMETER");
        assertThat(reply.json().path("field").asText()).as("%s: %s", pathAndQuery, reply.body()).isEqualTo(field);
    }

    private static void assertValid(Reply reply, String location) {
        assertThat(errors(location, reply.json())).as("%s against %s", reply.body(), location).isEmpty();
    }

    private static List<String> errors(String location, JsonNode body) {
        Schema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + location));
        List<com.networknt.schema.Error> errors = schema.validate(body.toString(), InputFormat.JSON);
        return errors.stream().map(com.networknt.schema.Error::toString).toList();
    }

    /** A {@code $ref} within the document, followed; anything else as it is. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode resolved = node;
        while (resolved.has("$ref")) {
            String ref = resolved.path("$ref").asText();
            assertThat(ref).startsWith("#/");
            resolved = document.at(ref.substring(1));
            assertThat(resolved.isMissingNode()).as("%s resolves", ref).isFalse();
        }
        return resolved;
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped. */
    private static String pointer(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A servlet path spec serves a documented path: {@code /x/*} everything under {@code /x/}, others exactly. */
    private static boolean servedBy(String spec, String path) {
        return spec.endsWith("/*") ? path.startsWith(spec.substring(0, spec.length() - 1)) : path.equals(spec);
    }

    private record Reply(int status, String body, HttpResponse<String> raw) {

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String mediaType() {
            String type = header("Content-Type");
            return type == null ? "" : type.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private static Reply get(String pathAndQuery) {
        return get(instance.uri(""), pathAndQuery);
    }

    private static Reply get(URI base, String pathAndQuery) {
        return get(base, pathAndQuery, Map.of());
    }

    private static Reply get(URI base, String pathAndQuery, Map<String, String> headers) {
        URI uri = URI.create(base.toString().replaceAll("/$", "") + pathAndQuery);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
            headers.forEach(request::header);
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // --- the seed ---

    private static Campaign campaign() {
        Goal install = Goal.newBuilder().setGoalId("install").setValue("install")
                .setPayoutType(PayoutType.FIXED).setPayout(new BigDecimal("1.50"))
                .setRevenueType(PayoutType.FIXED).setRevenue(new BigDecimal("2.00")).build();
        Goal purchase = Goal.newBuilder().setGoalId("purchase").setValue("purchase")
                .setPayoutType(PayoutType.PERCENT).setPayout(new BigDecimal("10"))
                .setRevenueType(PayoutType.PERCENT).setRevenue(new BigDecimal("15")).build();
        return Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId(ADVERTISER).setName("Contract test")
                .setStatus(ActivityStatus.ACTIVE).setCurrency("USD").setGoals(List.of(install, purchase)).build();
    }

    private static Click click(String clickId) {
        return click(clickId, "banner-a");
    }

    private static Click click(String clickId, String sub1) {
        return Click.newBuilder().setClickId(clickId).setCampaignId(CAMPAIGN).setAffiliateId(AFFILIATE)
                .setClickedAt(seededAt.minus(Duration.ofMinutes(5))).setIp("198.51.100.7")
                .setSubs(sub1 == null ? Map.of() : Map.of("sub1", sub1)).build();
    }

    /** A postback as ingest writes it; parameters as "name", "value" pairs. */
    private static RawPostback postback(String requestId, String clickId, String... params) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("click_id", List.of(clickId));
        for (int i = 0; i < params.length; i += 2) {
            query.put(params[i], List.of(params[i + 1]));
        }
        return RawPostback.newBuilder().setRequestId(requestId).setReceivedAt(seededAt).setClickId(clickId)
                .setMethod("GET").setQueryParams(query).setBodyParams(Map.of()).setRemoteAddr("203.0.113.9")
                .setUserAgent("contract-test").build();
    }

    /** Writes records the way the click tracker, the admin and ingest do: Avro through the registry, acknowledged. */
    private static final class Writer implements AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;
        private final RegistrySerdes serdes;
        private final Map<Topic<?>, Serializer<?>> serializers = new LinkedHashMap<>();

        Writer(String bootstrapServers, RegistrySerdes serdes) {
            this.serdes = serdes;
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        }

        <V extends SpecificRecord> void write(Topic<V> topic, String key, V value) throws Exception {
            @SuppressWarnings("unchecked")
            Serializer<V> serializer = (Serializer<V>) serializers.computeIfAbsent(topic, serdes::valueSerializer);
            producer.send(new ProducerRecord<>(topic.name(), key, serializer.serialize(topic.name(), value))).get();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}

package io.attribution.query;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import io.attribution.topology.AttributionSettings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of the real attribution topology on a real broker and registry, topics with six
 * partitions, one standby each: every instance answers every click, conversion and postback
 * exactly, and every instance's stats add up to what was sent. The API takes read tokens: the
 * questions are an analyst's (scope all), forwarded between the instances with their peer token;
 * an advertiser's and an affiliate's tokens see only their own. When one instance dies, the
 * others keep answering (from standbys, saying so, or 503) and never give a wrong number; after
 * the rebalance the stats, including postbacks sent since, add up again; and questions asked while
 * the topology writes never stall it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttributionQueryIT {

    private static final int PARTITIONS = 6;
    private static final int CLICKS = 60;
    /**
     * Half past the last full hour: every event of the test in one stats hour, and never ahead of
     * the clock (the topology dead-letters event times more than a few minutes in the future).
     */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(30));
    private static final Goal SALE = goal("g-sale", "sale", "2.50", "4.10");
    private static final Goal LEAD = goal("g-lead", "lead", "0.75", "1.05");

    @TempDir
    static Path stateRoot;

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static final String ANALYST = "analyst-token-0001";
    private static final String ADVERTISER_A = "advertiser-a-token";
    private static final String AFFILIATE_1 = "affiliate-1-token";
    private static final String PEER = "instances-peer-secret";
    private static RegistrySerdes serdes;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static final List<StreamsInstance> instances = new ArrayList<>();
    private static final Map<String, Click> clicks = new LinkedHashMap<>();
    /** request_id -> the state the postback log must show: ATTRIBUTED or REJECTED. */
    private static final Map<String, String> fates = new LinkedHashMap<>();
    private static final Map<String, String> clickOfRequest = new TreeMap<>();
    private static final Map<String, Expected> expectedByCampaign = new TreeMap<>();
    private static int txnCounter;
    /** txn_id -> click_id of the postbacks that make a conversion. */
    private static final Map<String, String> attributedTxns = new LinkedHashMap<>();

    /** What a campaign's stats must say, computed from what the test sends. */
    private static final class Expected {
        long clicks;
        long received;
        long approved;
        long unknownGoal;
        BigDecimal revenue = BigDecimal.ZERO;
        BigDecimal payout = BigDecimal.ZERO;
    }

    @BeforeAll
    static void startThreeInstances() throws Exception {
        PipelineTopics.create(kit, PARTITIONS, 1);
        serdes = new RegistrySerdes(kit.registryUrl());
        producer = producer();

        for (String campaign : List.of("camp-a", "camp-b")) {
            send(Topics.CAMPAIGNS, campaign, Campaign.newBuilder().setCampaignId(campaign).setAdvertiserId("adv-" + campaign)
                    .setStatus(ActivityStatus.ACTIVE).setDefaultGoalId("g-sale").setGoals(List.of(SALE, LEAD)).build());
            expectedByCampaign.put(campaign, new Expected());
        }
        for (int i = 0; i < CLICKS; i++) {
            Click click = Click.newBuilder().setClickId("click-" + i).setCampaignId(i % 3 == 0 ? "camp-b" : "camp-a")
                    .setAffiliateId("aff-" + (i % 4)).setClickedAt(NOW.minus(Duration.ofMinutes(10))).build();
            clicks.put(click.getClickId(), click);
            expectedByCampaign.get(click.getCampaignId()).clicks++;
            send(Topics.CLICKS, click.getClickId(), click);
        }
        producer.flush();

        String applicationId = kit.uniqueId("attribution-query");
        Path tokens = stateRoot.resolve("query-tokens.json");
        Files.writeString(tokens, "{\"tokens\": ["
                + token("analysts", ANALYST, "all") + ", " + token("adv-a", ADVERTISER_A, "advertiser:adv-camp-a") + ", "
                + token("aff-1", AFFILIATE_1, "affiliate:aff-1") + "]}");
        QueryAccess access = QueryAccess.withTokens(QueryTokens.load(tokens), PEER);
        // The campaigns' owners as sent to the campaigns topic above (the pipeline follows that topic).
        CampaignOwners owners = new CampaignOwners() {
            @Override
            public Optional<String> advertiserOf(String campaignId) {
                return expectedByCampaign.containsKey(campaignId) ? Optional.of("adv-" + campaignId) : Optional.empty();
            }

            @Override
            public boolean current() {
                return true;
            }
        };
        AttributionSettings settings = AttributionSettings.defaults().withUnknownClickGrace(Duration.ofSeconds(1))
                .withInputPartitions(PARTITIONS);
        for (int i = 0; i < 3; i++) {
            instances.add(AttributionInstance.start(kit.bootstrapServers(), serdes, applicationId,
                    stateRoot.resolve("instance-" + i), 1, settings, access, owners));
        }
        await("three instances running").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> instances.stream().allMatch(i -> i.running(3)));

        for (Click click : clicks.values()) {
            sendPostback(click, "sale");
            if (click.getClickId().hashCode() % 2 == 0) {
                sendPostback(click, "lead");
            }
            if (click.getClickId().endsWith("7")) {
                sendPostback(click, "no-such-goal");
            }
        }
        producer.flush();
        awaitStatsAddUp(instances);
    }

    @AfterAll
    static void stop() {
        instances.forEach(StreamsInstance::close);
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    @Order(1)
    void everyInstanceAnswersEveryClickAndItsConversions() {
        for (StreamsInstance asked : instances) {
            for (Click click : clicks.values()) {
                HttpProbe.Reply reply = asAnalyst(asked.uri("/clicks/" + click.getClickId()));
                assertThat(reply.status()).as("%s asked for %s: %s", asked.name, click.getClickId(), reply.body())
                        .isEqualTo(200);
                assertThat(reply.body().at("/click/campaign_id").asText()).isEqualTo(click.getCampaignId());
                assertThat(reply.body().at("/click/affiliate_id").asText()).isEqualTo(click.getAffiliateId());

                HttpProbe.Reply conversions = asAnalyst(asked.uri("/clicks/" + click.getClickId() + "/conversions"));
                assertThat(conversions.status()).isEqualTo(200);
                long expected = fates.entrySet().stream().filter(fate -> fate.getValue().equals("ATTRIBUTED")
                        && clickOfRequest.get(fate.getKey()).equals(click.getClickId())).count();
                assertThat(conversions.body().get("conversions")).as("conversions of %s", click.getClickId())
                        .hasSize((int) expected);
            }
            assertThat(asAnalyst(asked.uri("/clicks/no-such-click")).status()).isEqualTo(404);
        }
    }

    @Test
    @Order(2)
    void everyInstanceKnowsTheFateOfEveryPostbackWithOrWithoutItsClickId() {
        for (StreamsInstance asked : instances) {
            for (Map.Entry<String, String> fate : fates.entrySet()) {
                String clickId = clickOfRequest.get(fate.getKey());
                for (String path : List.of("/postbacks/" + fate.getKey(), "/postbacks/" + fate.getKey() + "?click_id=" + clickId)) {
                    HttpProbe.Reply reply = asAnalyst(asked.uri(path));
                    assertThat(reply.status()).as("%s %s: %s", asked.name, path, reply.body()).isEqualTo(200);
                    assertThat(reply.body().get("state").asText()).isEqualTo(fate.getValue());
                    assertThat(reply.body().get("click_id").asText()).isEqualTo(clickId);
                }
            }
        }
    }

    @Test
    @Order(3)
    void everyInstanceFindsAConversionByItsTxnId() {
        String txnId = "txn-1";
        for (StreamsInstance asked : instances) {
            HttpProbe.Reply reply = asAnalyst(asked.uri("/conversions?txn_id=" + txnId));
            assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
            assertThat(reply.body().get("conversions")).singleElement()
                    .satisfies(conversion -> assertThat(conversion.get("txn_id").asText()).isEqualTo(txnId));
            assertThat(reply.body().get("answered_by")).hasSize(PARTITIONS);
        }
    }

    @Test
    @Order(3)
    void questionsNeedATokenAndTheInstancesOwnQuestionsThePeerToken() {
        StreamsInstance asked = instances.get(0);
        HttpProbe.Reply none = HttpProbe.get(asked.uri(statsPath("camp-a")));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.body().get("error").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(as("not-a-token", asked.uri("/clicks/click-1")).status()).isEqualTo(401);
        assertThat(as(PEER, asked.uri("/clicks/click-1")).status()).as("the peer token is not a client's").isEqualTo(401);

        // The local scope answers unfiltered: only another instance, with the peer token, may use it.
        Map<String, String> local = Map.of(QueryProtocol.SCOPE_HEADER, QueryProtocol.LOCAL);
        String partitionQuestion = "/clicks/click-1?" + QueryProtocol.PARTITIONS + "=0,1,2,3,4,5";
        assertThat(HttpProbe.get(asked.uri(partitionQuestion), local).status()).isEqualTo(403);
        Map<String, String> analystLocal = new HashMap<>(local);
        analystLocal.put("Authorization", "Bearer " + ANALYST);
        assertThat(HttpProbe.get(asked.uri(partitionQuestion), analystLocal).status()).isEqualTo(403);
        Map<String, String> peerLocal = new HashMap<>(local);
        peerLocal.put("Authorization", "Bearer " + PEER);
        assertThat(HttpProbe.get(asked.uri(partitionQuestion), peerLocal).status()).isEqualTo(200);

        // The OpenAPI document stays open: it is how a client learns to ask.
        assertThat(HttpProbe.get(asked.uri("/openapi.json")).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void anAdvertisersTokenSeesItsCampaignsOnly() {
        for (StreamsInstance asked : instances) {
            assertThat(as(ADVERTISER_A, asked.uri(statsPath("camp-a"))).status()).isEqualTo(200);
            HttpProbe.Reply other = as(ADVERTISER_A, asked.uri(statsPath("camp-b")));
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.body().get("error").asText()).isEqualTo("FORBIDDEN");
            assertThat(as(ADVERTISER_A, asked.uri("/stats/affiliates/aff-1")).status()).isEqualTo(403);
            assertThat(as(ADVERTISER_A, asked.uri("/campaigns/camp-b/rejections")).status()).isEqualTo(403);
            assertThat(as(ADVERTISER_A, asked.uri("/campaigns/camp-a/rejections")).body().get("rejections")).isNotEmpty();
        }
        StreamsInstance asked = instances.get(1);
        for (Map.Entry<String, String> fate : fates.entrySet()) {
            Click click = clicks.get(clickOfRequest.get(fate.getKey()));
            boolean own = click.getCampaignId().equals("camp-a");
            HttpProbe.Reply reply = as(ADVERTISER_A, asked.uri("/postbacks/" + fate.getKey()));
            assertThat(reply.status()).as("%s of %s: %s", fate.getKey(), click.getCampaignId(), reply.body())
                    .isEqualTo(own ? 200 : 404);
            if (own && fate.getValue().equals("ATTRIBUTED")) {
                assertThat(reply.body().at("/conversion/params").isMissingNode()).as("its own raw parameters").isFalse();
            }
            assertThat(as(ADVERTISER_A, asked.uri("/clicks/" + click.getClickId())).status()).isEqualTo(own ? 200 : 404);
        }
        for (Click click : clicks.values()) {
            JsonNode conversions = as(ADVERTISER_A, asked.uri("/clicks/" + click.getClickId() + "/conversions"))
                    .body().get("conversions");
            conversions.forEach(conversion -> assertThat(conversion.get("advertiser_id").asText()).isEqualTo("adv-camp-a"));
            if (click.getCampaignId().equals("camp-b")) {
                assertThat(conversions).isEmpty();
            }
        }
    }

    @Test
    @Order(3)
    void anAffiliatesTokenSeesItsOwnRowsWithoutWhatTheAdvertiserSent() {
        StreamsInstance asked = instances.get(2);
        assertThat(as(AFFILIATE_1, asked.uri("/stats/affiliates/aff-1")).status()).isEqualTo(200);
        assertThat(as(AFFILIATE_1, asked.uri("/stats/affiliates/aff-2")).status()).isEqualTo(403);
        assertThat(as(AFFILIATE_1, asked.uri(statsPath("camp-a"))).status()).isEqualTo(403);
        int ownConversions = 0;
        for (Map.Entry<String, String> fate : fates.entrySet()) {
            Click click = clicks.get(clickOfRequest.get(fate.getKey()));
            boolean own = click.getAffiliateId().equals("aff-1");
            HttpProbe.Reply reply = as(AFFILIATE_1, asked.uri("/postbacks/" + fate.getKey()));
            assertThat(reply.status()).as("%s of %s: %s", fate.getKey(), click.getAffiliateId(), reply.body())
                    .isEqualTo(own ? 200 : 404);
            if (own && fate.getValue().equals("ATTRIBUTED")) {
                ownConversions++;
                JsonNode conversion = reply.body().get("conversion");
                assertThat(conversion.get("payout")).isNotNull();
                assertThat(conversion.has("params")).as("the advertiser's raw parameters").isFalse();
                assertThat(conversion.has("revenue")).as("the network's revenue").isFalse();
            }
            if (own && fate.getValue().equals("REJECTED")) {
                assertThat(reply.body().get("rejection").has("postback")).as("the raw postback").isFalse();
            }
        }
        assertThat(ownConversions).isPositive();
        JsonNode rejections = as(AFFILIATE_1, asked.uri("/campaigns/camp-a/rejections")).body().get("rejections");
        assertThat(rejections).isNotEmpty().allSatisfy(rejection -> {
            assertThat(rejection.get("affiliate_id").asText()).isEqualTo("aff-1");
            assertThat(rejection.has("postback")).isFalse();
        });
        attributedTxns.forEach((txn, click) -> {
            HttpProbe.Reply reply = as(AFFILIATE_1, asked.uri("/conversions?txn_id=" + txn));
            boolean own = clicks.get(click).getAffiliateId().equals("aff-1");
            assertThat(reply.status()).as("%s of %s", txn, click).isEqualTo(own ? 200 : 404);
            if (own) {
                assertThat(reply.body().get("conversions")).singleElement()
                        .satisfies(conversion -> assertThat(conversion.has("params")).isFalse());
            }
        });
    }

    @Test
    @Order(4)
    void killedInstanceIsCoveredOrRefusedNeverMiscountedAndStatsAddUpAfterTheRebalance() {
        StreamsInstance victim = instances.get(2);
        List<StreamsInstance> survivors = instances.subList(0, 2);
        victim.kill();

        List<String> violations = new ArrayList<>();
        int[] staleAnswers = {0};
        await("survivors answer fresh and exact").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    boolean fresh = true;
                    for (StreamsInstance survivor : survivors) {
                        for (String campaign : expectedByCampaign.keySet()) {
                            HttpProbe.Reply reply = asAnalyst(survivor.uri(statsPath(campaign) + "&allow_stale=true"));
                            if (reply.status() == 503) {
                                if (!"1".equals(reply.header("Retry-After"))) {
                                    violations.add("503 without Retry-After: " + reply.body());
                                }
                                fresh = false;
                                continue;
                            }
                            if (reply.status() != 200) {
                                violations.add("HTTP " + reply.status() + ": " + reply.body());
                                fresh = false;
                                continue;
                            }
                            Optional<String> wrong = mismatch(campaign, reply.body());
                            wrong.ifPresent(violations::add);
                            if (reply.body().get("stale").asBoolean()) {
                                staleAnswers[0]++;
                                fresh = false;
                            }
                            fresh &= reply.body().get("failed_hosts").isEmpty();
                        }
                    }
                    return fresh && survivors.stream().allMatch(s -> s.running(2));
                });
        System.out.printf("AttributionQueryIT: after the kill, %d stale answers, violations %s%n", staleAnswers[0], violations);
        assertThat(violations).isEmpty();

        // The survivors go on attributing: new postbacks count, on every partition.
        for (Click click : clicks.values()) {
            sendPostback(click, "lead");
        }
        producer.flush();
        awaitStatsAddUp(survivors);
        for (StreamsInstance survivor : survivors) {
            for (Click click : clicks.values()) {
                assertThat(asAnalyst(survivor.uri("/clicks/" + click.getClickId())).status()).isEqualTo(200);
            }
            for (Map.Entry<String, String> fate : fates.entrySet()) {
                HttpProbe.Reply reply = asAnalyst(survivor.uri("/postbacks/" + fate.getKey()));
                assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
                assertThat(reply.body().get("state").asText()).isEqualTo(fate.getValue());
            }
        }
    }

    @Test
    @Order(5)
    void questionsAskedWhilePostbacksFlowNeverStallTheTopology() throws Exception {
        // KAFKA-19629: in Kafka Streams 4.3.1 an IQv2 range query racing the stream thread's writes
        // can deadlock it for good. Stats, conversions and postback lookups hammer the survivors
        // while they write: every postback must still be counted.
        List<StreamsInstance> survivors = instances.subList(0, 2);
        List<String> questions = List.of(statsPath("camp-a"), statsPath("camp-b"), "/clicks/click-1/conversions",
                "/postbacks/" + fates.keySet().iterator().next());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService askers = Executors.newFixedThreadPool(questions.size());
        List<Future<?>> asking = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            StreamsInstance asked = survivors.get(i % survivors.size());
            String question = questions.get(i);
            asking.add(askers.submit(() -> {
                while (!stop.get()) {
                    asAnalyst(asked.uri(question));
                    answered.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (int round = 0; round < 20; round++) {
                for (Click click : clicks.values()) {
                    sendPostback(click, round % 2 == 0 ? "sale" : "lead");
                }
            }
            producer.flush();
            awaitStatsAddUp(survivors);
        } finally {
            stop.set(true);
            askers.shutdown();
        }
        assertThat(askers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (Future<?> asker : asking) {
            asker.get(); // a request that failed (a timeout, a hang) fails the test
        }
        assertThat(answered.get()).as("questions answered while the topology wrote").isGreaterThan(questions.size());
    }

    private static void awaitStatsAddUp(List<StreamsInstance> asked) {
        await("every instance's stats add up to what was sent").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> asked.stream().allMatch(instance -> expectedByCampaign.keySet().stream().allMatch(campaign -> {
                    HttpProbe.Reply reply = asAnalyst(instance.uri(statsPath(campaign)));
                    return reply.status() == 200 && mismatch(campaign, reply.body()).isEmpty()
                            && !reply.body().get("stale").asBoolean();
                })));
    }

    private static HttpProbe.Reply asAnalyst(URI uri) {
        return as(ANALYST, uri);
    }

    private static HttpProbe.Reply as(String token, URI uri) {
        return HttpProbe.get(uri, Map.of("Authorization", "Bearer " + token));
    }

    private static String token(String name, String token, String scope) throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        return "{\"name\": \"" + name + "\", \"sha256\": \"" + digest + "\", \"scope\": \"" + scope + "\"}";
    }

    private static String statsPath(String campaign) {
        return "/stats/campaigns/" + campaign + "?from=" + NOW.minus(Duration.ofDays(1)) + "&to=" + NOW.plus(Duration.ofDays(1));
    }

    /** Why a stats answer differs from what was sent, if it does. */
    private static Optional<String> mismatch(String campaign, JsonNode stats) {
        Expected expected = expectedByCampaign.get(campaign);
        JsonNode total = stats.get("total");
        List<String> wrong = new ArrayList<>();
        if (total.get("clicks").asLong() != expected.clicks) {
            wrong.add("clicks " + total.get("clicks") + " != " + expected.clicks);
        }
        if (total.get("postbacks_received").asLong() != expected.received) {
            wrong.add("received " + total.get("postbacks_received") + " != " + expected.received);
        }
        if (total.at("/conversions/APPROVED").asLong() != expected.approved) {
            wrong.add("approved " + total.at("/conversions/APPROVED") + " != " + expected.approved);
        }
        if (total.at("/rejections/UNKNOWN_GOAL").asLong() != expected.unknownGoal) {
            wrong.add("unknown goal " + total.at("/rejections/UNKNOWN_GOAL") + " != " + expected.unknownGoal);
        }
        if (expected.approved > 0 && (new BigDecimal(total.at("/revenue/USD").asText("0")).compareTo(expected.revenue) != 0
                || new BigDecimal(total.at("/payout/USD").asText("0")).compareTo(expected.payout) != 0)) {
            wrong.add("money " + total.get("revenue") + "/" + total.get("payout") + " != " + expected.revenue + "/" + expected.payout);
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(campaign + ": " + String.join(", ", wrong) + " in " + stats);
    }

    private static void sendPostback(Click click, String goalValue) {
        Expected expected = expectedByCampaign.get(click.getCampaignId());
        String requestId = UUID.randomUUID().toString();
        String txnId = "txn-" + (++txnCounter);
        RawPostback postback = RawPostback.newBuilder().setRequestId(requestId).setReceivedAt(NOW)
                .setClickId(click.getClickId()).setMethod("GET")
                .setQueryParams(Map.of("click_id", List.of(click.getClickId()), "goal_value", List.of(goalValue),
                        "txn_id", List.of(txnId)))
                .setBodyParams(Map.of()).setRemoteAddr("203.0.113.9").build();
        expected.received++;
        Optional<Goal> goal = List.of(SALE, LEAD).stream().filter(g -> g.getValue().equals(goalValue)).findFirst();
        if (goal.isPresent()) {
            expected.approved++;
            expected.revenue = expected.revenue.add(goal.get().getRevenue());
            expected.payout = expected.payout.add(goal.get().getPayout());
            fates.put(requestId, "ATTRIBUTED");
            attributedTxns.put(txnId, click.getClickId());
        } else {
            expected.unknownGoal++;
            fates.put(requestId, "REJECTED");
        }
        clickOfRequest.put(requestId, click.getClickId());
        send(Topics.POSTBACKS_RAW, click.getClickId(), postback);
    }

    private static Goal goal(String id, String value, String payout, String revenue) {
        return Goal.newBuilder().setGoalId(id).setValue(value)
                .setPayoutType(PayoutType.FIXED).setPayout(new BigDecimal(payout))
                .setRevenueType(PayoutType.FIXED).setRevenue(new BigDecimal(revenue)).build();
    }

    /** One producer for every record type: the serializer takes the schema from the record. */
    private static KafkaProducer<String, SpecificRecord> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), serdes.valueSerde(SpecificRecord.class).serializer());
    }

    private static <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, value));
    }
}

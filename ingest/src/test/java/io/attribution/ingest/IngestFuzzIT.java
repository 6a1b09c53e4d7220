package io.attribution.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.avro.Campaign;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.postback.InvalidParameterException;
import io.attribution.postback.PostbackParameters;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Random and hostile HTTP requests against the real ingest server, broker and registry. For every
 * request: never a 5xx; a 2xx only for a present, valid click id; and the topic holds exactly one
 * record for every answer with a request_id (200, the refusals 401/403, and the invalid requests
 * 400/413/415 recorded for the postback log), none for any other answer. Each record is the one
 * answered, under a UUID request id, with no security token in clear; a stored postback has a
 * valid click id equal to its key and amounts that {@link PostbackParameters} reads; a recorded
 * invalid request is small, and keyed by its click id when that one is valid, else by its request id.
 *
 * <p>Requests go over a plain socket, so that nothing a client library would refuse to send
 * (bad percent-encoding, raw bytes, odd methods) escapes the test.
 */
class IngestFuzzIT {

    private static final String TOKEN = "FUZZTOKEN-7c1e";
    /** Every clear token the generator sends starts with this, so none may appear on the topic. */
    private static final String TOKEN_MARK = "FUZZ";
    private static final String CAMPAIGN = "fuzz-campaign";
    private static final String ELSEWHERE = "fuzz-elsewhere";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final TopicPartition PARTITION = new TopicPartition(Topics.POSTBACKS_RAW.name(), 0);
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CLICK_NAMES = List.of("click_id", "clickid", "transaction_id");
    private static final List<String> KNOWN_NAMES = List.of("click_id", "clickid", "transaction_id", "goal_value",
            "goal", "goal_name", "goal_id", "event_id", "sale_amount", "amount", "revenue", "currency", "txn_id",
            "order_id", "adv_sub", "status", "security_token", "token", "campaign_id", "offer_id", "camp_id");

    /** jqwik runs no Jupiter extensions: the container hooks below start and end the kit. */
    private static final KafkaKit kit = KafkaKit.shared();

    private static IngestServer ingest;
    private static KafkaConsumer<String, RawPostback> consumer;
    /** The end of the topic as the answers so far account for it. */
    private static long accountedEnd;
    private static final Map<Integer, Integer> STATUSES = new TreeMap<>();

    @BeforeContainer
    static void start() throws Exception {
        kit.beforeAll();
        RawPostbackTopic.create(kit);
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        CampaignsTopic.write(kit, serdes,
                Campaign.newBuilder().setCampaignId(CAMPAIGN).setAdvertiserId("adv").setGoals(List.of())
                        .setSecurityToken(TOKEN).setAllowedIps(List.of("127.0.0.1/32", "::1")).build(),
                Campaign.newBuilder().setCampaignId(ELSEWHERE).setAdvertiserId("adv").setGoals(List.of())
                        .setAllowedIps(List.of("10.0.0.0/8")).build());
        // Sequential requests from one address: the per-client rate limit must not answer for the edge.
        ingest = IngestServer.start(IngestConfig.builder().port(0).maxBodyBytes(MAX_BODY_BYTES)
                .maxRequestsPerSecond(100_000).build(), kit.bootstrapServers(), serdes);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kit.uniqueId("ingest-fuzz"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024),
                new StringDeserializer(), serdes.valueDeserializer(Topics.POSTBACKS_RAW));
        consumer.assign(List.of(PARTITION));
        accountedEnd = endOffset();
    }

    @AfterContainer
    static void stop() {
        System.out.println("IngestFuzzIT answers by status: " + STATUSES);
        for (AutoCloseable closeable : new AutoCloseable[] {consumer, ingest}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("Could not close " + closeable + ": " + e);
            }
        }
        kit.afterAll();
    }

    @Property(tries = 300)
    void hostileRequestsNeverGet5xxAndOnlyValidPostbacksAreStored(@ForAll("requests") FuzzRequest request)
            throws Exception {
        send(request);
    }

    // --- what the fuzzing found, kept as examples ---------------------------------------------

    @Example
    void aRequestLineCutShortByACrLfIsABadRequestNotAServerError() throws Exception {
        RawHttp.Answer answer = send(new FuzzRequest("example", "POST", "/postback?click_id=cut&click_id=\r\n",
                "application/x-www-form-urlencoded", new byte[0], Expected.ANY, null, false));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    }

    @Example
    void jsonNumberWithAHugeExponentIsStoredAsWrittenNotExpanded() throws Exception {
        RawHttp.Answer answer = send(post("application/json", "{\"click_id\":\"exp\",\"sub1\":1e999999999,\"sub2\":12.50}"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(3));
        Map<String, List<String>> body = recordAt(accountedEnd - 1).value().getBodyParams();
        assertThat(body.get("sub1")).singleElement().satisfies(value -> {
            assertThat(value).hasSizeLessThan(32);
            assertThat(new java.math.BigDecimal(value)).isEqualByComparingTo("1e999999999");
        });
        assertThat(body.get("sub2")).as("ordinary numbers keep their digits").containsExactly("12.50");
    }

    @Example
    void jsonAmountWithAHugeExponentIsMalformed() throws Exception {
        RawHttp.Answer answer = send(post("application/json", "{\"click_id\":\"exp\",\"sale_amount\":1e999999}"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("field").asText()).isEqualTo("sale_amount");
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(3));
    }

    @Example
    void amountPaddedWithTrailingZerosToTheBodyLimitIsRefusedQuickly() throws Exception {
        String body = "click_id=zeros&sale_amount=1.";
        RawHttp.Answer answer = send(post("application/x-www-form-urlencoded",
                body + "0".repeat(MAX_BODY_BYTES - body.length())));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("field").asText()).isEqualTo("sale_amount");
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(3));
    }

    @Example
    void tokenRepeatedUpToTheBodyLimitIsOverTheParameterBoundNotAServerError() throws Exception {
        RawHttp.Answer answer = send(new FuzzRequest("example", "POST", "/postback", "application/json",
                repeatedValues("token", -1, true), Expected.ANY, null, false));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("MALFORMED");
        assertThat(JSON.readTree(answer.body()).path("field").asText()).isEqualTo(PostbackParameters.PARAMETERS);
    }

    @Example
    void headIsAnsweredButStoresNothing() throws Exception {
        RawHttp.Answer answer = send(new FuzzRequest("example", "HEAD", "/postback?click_id=head-check", null,
                new byte[0], Expected.ANY, null, false));

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.headers()).contains("Allow: GET, POST");
    }

    @Example
    void headOfAHealthProbeIsItsAnswerWithoutABodyAndStoresNothing() throws Exception {
        RawHttp.Answer answer = send(new FuzzRequest("example", "HEAD", "/healthz?click_id=head-probe", null,
                new byte[0], Expected.ANY, null, false));

        assertThat(answer.status()).isEqualTo(200);
    }

    @Example
    void traceIsRefusedWithoutEchoingTheRequest() throws Exception {
        RawHttp.Answer answer = send(new FuzzRequest("example", "TRACE", "/postback?token=" + TOKEN, null,
                new byte[0], Expected.ANY, null, false));

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.headers()).contains("Allow: GET, POST, HEAD, OPTIONS");
        assertThat(answer.body()).doesNotContain(TOKEN).doesNotContain("User-Agent");
        assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Example
    void anUnservedMethodIsNotAllowedRatherThanNotImplemented() throws Exception {
        for (String method : List.of("PATCH", "PUT", "DELETE", "FOO", "get")) {
            RawHttp.Answer answer = send(new FuzzRequest("example", method, "/postback?click_id=" + method, null,
                    new byte[0], Expected.ANY, null, false));

            assertThat(answer.status()).as(method).isEqualTo(405);
            assertThat(answer.headers()).as(method).contains("Allow: GET, POST, HEAD, OPTIONS");
        }
    }

    @Example
    void otherSpellingsOfThePostbackTargetStoreLikeThePlainOne() throws Exception {
        for (String target : List.of("http://127.0.0.1/postback?click_id=absolute-form",
                "/postback;x=y?click_id=path-parameter")) {
            RawHttp.Answer answer = send(new FuzzRequest("example", "GET", target, null, new byte[0],
                    Expected.ANY, null, false));

            assertThat(answer.status()).as(target + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.field("request_id")).isNotNull();
        }
    }

    private static FuzzRequest post(String contentType, String body) {
        return new FuzzRequest("example", "POST", "/postback", contentType, body.getBytes(StandardCharsets.UTF_8),
                Expected.ANY, null, false);
    }

    /** Sends one request and checks the answer and the topic against each other. */
    private static RawHttp.Answer send(FuzzRequest request) throws Exception {
        RawHttp.Answer answer = exchange(request);
        STATUSES.merge(answer.status(), 1, Integer::sum);

        long before = accountedEnd;
        long end = endOffset();
        accountedEnd = end;
        if (answer.status() == -1) {
            // The edge may answer 413 and reset while a body over the limit is still being sent: the
            // answer is lost, its record (within the budget) is not.
            assertThat(request.body().length).as("only an oversized body may go unanswered").isGreaterThan(MAX_BODY_BYTES);
            // Recorded once the broker has it, which may be after the client saw the reset.
            await("the record of the unanswered oversized request").atMost(Duration.ofSeconds(10))
                    .until(IngestFuzzIT::endOffset, offset -> offset > before);
            accountedEnd = endOffset();
            assertThat(accountedEnd).as("records for an unanswered request").isEqualTo(before + 1);
            assertThat(recordAt(before).value().getEdgeRejectionDetail()).startsWith("body is larger than");
            return answer;
        }
        assertThat(answer.status()).as("status for %s: %s", request, answer.body()).isBetween(200, 499);
        // Decided by the answer, not the target: /postback;x=y and the absolute form
        // http://127.0.0.1/postback reach the servlet too, and /healthz and /readyz answer 200 without storing,
        // as does OPTIONS (the servlet's Allow answer, no body). HEAD is the probes' answer without its body:
        // only they answer it 200 (HEAD /postback is 405).
        if (answer.status() == 200 && answer.field("request_id") == null && request.method().equals("HEAD")) {
            assertThat(request.target()).as("a 200 to HEAD for %s", request).matches("/(healthz|readyz)(\\?.*)?");
            assertThat(answer.body()).as("a 200 to HEAD for %s", request).isEmpty();
        } else if (answer.status() == 200 && answer.field("request_id") == null
                && !request.method().equals("OPTIONS")) {
            assertThat(answer.field("status")).as("a 200 without a request id for %s: %s", request, answer.body())
                    .isEqualTo("up");
        }
        boolean stored = answer.field("request_id") != null;
        if (!stored) {
            assertThat(end).as("records written for a %d answer (%s)", answer.status(), answer.body()).isEqualTo(before);
        } else if (answer.status() == 200 || answer.status() == 401 || answer.status() == 403) {
            assertThat(end).as("records written for a %d answer (%s)", answer.status(), answer.body()).isEqualTo(before + 1);
            assertStoredRecord(request, answer, recordAt(before));
        } else {
            assertThat(answer.status()).as("a request_id on a %d answer (%s)", answer.status(), answer.body())
                    .isIn(400, 413, 415);
            assertThat(end).as("records written for a %d answer (%s)", answer.status(), answer.body()).isEqualTo(before + 1);
            assertRecordedRefusal(answer, recordAt(before));
        }
        switch (request.expected()) {
            case ACCEPTED -> assertThat(answer.status()).as("%s: %s", request, answer.body()).isEqualTo(200);
            case INVALID_TOKEN -> assertThat(answer.status()).as("%s: %s", request, answer.body()).isEqualTo(401);
            case IP_NOT_ALLOWED -> assertThat(answer.status()).as("%s: %s", request, answer.body()).isEqualTo(403);
            case ANY -> {
            }
        }
        return answer;
    }

    private static void assertStoredRecord(FuzzRequest request, RawHttp.Answer answer, ConsumerRecord<String, RawPostback> record)
            throws IOException {
        RawPostback postback = record.value();
        JsonNode json = JSON.readTree(answer.body());
        String requestId = json.path("request_id").asText(null);
        assertThat(postback.getRequestId()).as("the record is the one answered").isEqualTo(requestId);
        assertThat(UUID.fromString(requestId).toString()).isEqualTo(requestId);

        String clickId = postback.getClickId();
        assertThat(record.key()).isEqualTo(clickId);
        assertThat(clickId).isNotBlank().isEqualTo(clickId.strip()).hasSizeLessThanOrEqualTo(PostbackParameters.MAX_ID_LENGTH);
        assertThat(clickId.chars().noneMatch(Character::isISOControl)).as("control characters in %s", clickId).isTrue();
        try {
            PostbackParameters read = PostbackParameters.of(postback).validate();
            assertThat(read.clickId()).isEqualTo(clickId);
        } catch (InvalidParameterException e) {
            fail("the stored record is not a valid postback (" + e.getMessage() + "): " + postback);
        }
        if (request.clickId() != null) {
            assertThat(clickId).as("the click id sent").isEqualTo(request.clickId());
        }

        for (Map<String, List<String>> params : List.of(postback.getQueryParams(), postback.getBodyParams())) {
            for (String name : PostbackParameters.securityTokenNames()) {
                assertThat(params.getOrDefault(name, List.of())).allSatisfy(
                        value -> assertThat(value).as("stored token").matches(DIGEST));
            }
        }
        assertThat(postback.toString()).as("a token in clear").doesNotContain(TOKEN_MARK);

        switch (answer.status()) {
            case 200 -> assertThat(postback.getEdgeRejection()).isNull();
            case 401 -> assertThat(postback.getEdgeRejection()).isEqualTo(RejectionReason.INVALID_TOKEN);
            case 403 -> assertThat(postback.getEdgeRejection()).isEqualTo(RejectionReason.IP_NOT_ALLOWED);
            default -> fail("not a storing answer: " + answer.status());
        }
        if (request.expected() == Expected.ACCEPTED && request.authenticates()) {
            assertThat(postback.getAuthenticatedCampaignId()).isEqualTo(CAMPAIGN);
        }
    }

    /** An invalid request, as recorded for the postback log: never attributed, always small. */
    private static void assertRecordedRefusal(RawHttp.Answer answer, ConsumerRecord<String, RawPostback> record)
            throws IOException {
        RawPostback postback = record.value();
        String requestId = JSON.readTree(answer.body()).path("request_id").asText(null);
        assertThat(postback.getRequestId()).as("the record is the one answered").isEqualTo(requestId);
        assertThat(UUID.fromString(requestId).toString()).isEqualTo(requestId);
        assertThat(postback.getEdgeRejection()).isIn(RejectionReason.MISSING_CLICK_ID, RejectionReason.MALFORMED);
        assertThat(postback.getEdgeRejectionDetail()).isEqualTo(answer.field("message"));
        String clickId = postback.getClickId();
        assertThat(record.key()).isEqualTo(clickId.isEmpty() ? requestId : clickId);
        assertThat(clickId).hasSizeLessThanOrEqualTo(PostbackParameters.MAX_ID_LENGTH);
        assertThat(clickId.chars().noneMatch(Character::isISOControl)).as("control characters in %s", clickId).isTrue();
        assertThat(postback.toString()).as("a token in clear").doesNotContain(TOKEN_MARK);
        assertThat(record.serializedValueSize()).as("size of the record of %s", answer.body()).isLessThan(12 * 1024);
    }

    // --- the requests -------------------------------------------------------------------------

    enum Expected { ACCEPTED, INVALID_TOKEN, IP_NOT_ALLOWED, ANY }

    /**
     * One request. {@code clickId} is the click id the record must carry if the request is stored,
     * when the test can tell it (everything encoded cleanly), else null.
     */
    record FuzzRequest(String shape, String method, String target, String contentType, byte[] body,
                       Expected expected, String clickId, boolean authenticates) {

        @Override
        public String toString() {
            return shape + " " + method + " " + abbreviate(target) + " [" + contentType + "] body("
                    + body.length + ")=" + abbreviate(new String(body, StandardCharsets.UTF_8))
                    + " expected " + expected + (clickId == null ? "" : " click " + clickId);
        }

        private static String abbreviate(String text) {
            String escaped = text.chars().mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", c)
                    : String.valueOf((char) c)).reduce(new StringBuilder(), StringBuilder::append, StringBuilder::append)
                    .toString();
            return escaped.length() <= 300 ? escaped : escaped.substring(0, 300) + "...(" + escaped.length() + ")";
        }
    }

    /** A parameter and how it is written: cleanly encoded, raw, or with broken encoding spliced in. */
    record Param(String name, String value, Encoding encoding) {
    }

    enum Encoding { CLEAN, RAW, GARBLED, JSON_NUMBER }

    enum Transport { QUERY, FORM, JSON, SPLIT_FORM, SPLIT_JSON }

    @Provide
    Arbitrary<FuzzRequest> requests() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, validPostbacks()),
                Tuple.of(4, hostileParameters()),
                Tuple.of(3, hostileBodies()),
                Tuple.of(2, hostileTargets()));
    }

    /** Well-formed postbacks with arbitrary extra parameters: these must be stored. */
    private static Arbitrary<FuzzRequest> validPostbacks() {
        Arbitrary<List<Param>> known = Combinators.combine(
                        Arbitraries.of(CLICK_NAMES), validId(),
                        validId().optional(0.5),
                        money().optional(0.5),
                        Arbitraries.of("USD", "eur", "GBP", "jpy").optional(0.4),
                        Arbitraries.of("approved", "PENDING", "rejected", "cancelled", "1", "declined").optional(0.4),
                        validId().optional(0.5))
                .as((clickName, click, goal, amount, currency, status, txn) -> {
                    List<Param> params = new ArrayList<>();
                    params.add(new Param(clickName, click, Encoding.CLEAN));
                    goal.ifPresent(v -> params.add(new Param("goal_value", v, Encoding.CLEAN)));
                    amount.ifPresent(v -> params.add(new Param("sale_amount", v, Encoding.CLEAN)));
                    currency.ifPresent(v -> params.add(new Param("currency", v, Encoding.CLEAN)));
                    status.ifPresent(v -> params.add(new Param("status", v, Encoding.CLEAN)));
                    txn.ifPresent(v -> params.add(new Param("txn_id", v, Encoding.CLEAN)));
                    return params;
                });
        Arbitrary<List<Param>> extras = Combinators.combine(
                        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8).map(n -> "x_" + n),
                        Arbitraries.strings().all().ofMaxLength(30))
                .as((name, value) -> new Param(name, value, Encoding.CLEAN)).list().ofMaxSize(6);
        Arbitrary<Integer> campaign = Arbitraries.integers().between(0, 5);
        return Combinators.combine(known, extras, campaign, Arbitraries.of(Transport.class), Arbitraries.longs())
                .as((params, more, campaignCase, transport, seed) -> {
                    List<Param> all = new ArrayList<>(params);
                    all.addAll(more);
                    Expected expected = Expected.ACCEPTED;
                    boolean authenticates = false;
                    String tokenName = seed % 2 == 0 ? "security_token" : "token";
                    switch (campaignCase) {
                        case 1 -> {
                            all.add(new Param("campaign_id", CAMPAIGN, Encoding.CLEAN));
                            all.add(new Param(tokenName, TOKEN, Encoding.CLEAN));
                            authenticates = true;
                        }
                        case 2 -> {
                            all.add(new Param("offer_id", CAMPAIGN, Encoding.CLEAN));
                            all.add(new Param(tokenName, "FUZZWRONG-" + Math.abs(seed % 1000), Encoding.CLEAN));
                            expected = Expected.INVALID_TOKEN;
                        }
                        case 3 -> {
                            all.add(new Param("campaign_id", CAMPAIGN, Encoding.CLEAN));
                            expected = Expected.INVALID_TOKEN;
                        }
                        case 4 -> all.add(new Param("camp_id", ELSEWHERE, Encoding.CLEAN));
                        default -> {
                        }
                    }
                    if (campaignCase == 4) {
                        expected = Expected.IP_NOT_ALLOWED;
                    }
                    Random random = new Random(seed);
                    java.util.Collections.shuffle(all, random);
                    return build("valid", transport, all, expected, authenticates, random);
                });
    }

    /** Known and unknown names with hostile values, cleanly or badly encoded, any transport. */
    private static Arbitrary<FuzzRequest> hostileParameters() {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(KNOWN_NAMES)),
                Tuple.of(2, Arbitraries.of("sub1", "sub15", "coupon", "sku", "", " ", "click_id ", "CLICK_ID",
                        "click_id[]", "cl\u00edck_id", "a.b", "__proto__")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
        Arbitrary<Param> param = Combinators.combine(names, hostileValue(),
                        Arbitraries.frequency(Tuple.of(6, Encoding.CLEAN), Tuple.of(1, Encoding.RAW),
                                Tuple.of(2, Encoding.GARBLED), Tuple.of(1, Encoding.JSON_NUMBER)))
                .as((name, value, encoding) -> new Param(name,
                        // Tokens only under token names: no clear token can then be blamed on the test.
                        isTokenName(name) ? TOKEN_MARK + "WRONG-" + value : value, encoding));
        Arbitrary<List<Param>> params = param.list().ofMaxSize(10);
        Arbitrary<Boolean> withClick = Arbitraries.of(true, true, false);
        return Combinators.combine(params, withClick, validId(), Arbitraries.of(Transport.class), Arbitraries.longs())
                .as((list, click, clickId, transport, seed) -> {
                    List<Param> all = new ArrayList<>(list);
                    if (click) {
                        all.add(0, new Param("click_id", clickId, Encoding.CLEAN));
                    }
                    return build("hostile-params", transport, all, Expected.ANY, false, new Random(seed));
                });
    }

    private static boolean isTokenName(String name) {
        return name.equals("security_token") || name.equals("token");
    }

    private static Arbitrary<String> hostileValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, validId()),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(2, Arbitraries.of("", " ", "\t", "\r\n", "\u00a0", "\u200b", "\u202e", "\ufeff", "\u0000",
                        "\u007f", "\ud800", "a\udfffb", "\ud83d\ude00", "{click_id}", "%click_id%", "[sale_amount]",
                        "${x}", "null", "[]", "{\"a\":1}", "&", "=", "&click_id=injected", "a\r\nX-Injected: 1")),
                Tuple.of(3, Arbitraries.of("NaN", "Infinity", "-1", "-0.01", "1e999999", "1e-999999", "1E+2147483647",
                        "1e2147483648", "0e-999999999", "0x10", "1,5", "\u0661\u0662", "\uff15", "999999999999.999999",
                        "1000000000000", "0.0000001", "49.90", "12.50", "+5", ".5", "5.", "9".repeat(400),
                        "1." + "0".repeat(3000))),
                Tuple.of(1, Arbitraries.of("usd", "XXX", "US", "\u20ac", "maybe", "APPROVED", "canceled")),
                Tuple.of(1, Arbitraries.integers().between(250, 262).map("x"::repeat)),
                Tuple.of(1, Arbitraries.integers().between(1_000, 12_000).map("v"::repeat)));
    }

    /** Bodies that are not what they claim, or claim nothing, or are built to hurt the parser. */
    private static Arbitrary<FuzzRequest> hostileBodies() {
        Arbitrary<String> contentTypes = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "APPLICATION/JSON", "application/json; charset=utf-16", "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded; charset=ISO-8859-1", "text/plain", "application/xml",
                "multipart/form-data; boundary=x", "application/octet-stream", "", ";", "application/json;;;",
                "%%%", "application/json\u0000");
        Arbitrary<byte[]> bodies = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("", "[]", "[1,2]", "\"click_id\"", "1", "null", "true", "{}",
                        "{\"click_id\":null}", "{\"click_id\":\"\"}", "{\"click_id\":[]}", "{\"click_id\":{}}",
                        "{\"click_id\":[\"a\",\"b\"]}", "{\"click_id\":[\"a\",\"a\"]}", "{\"click_id\":true}",
                        "{\"click_id\":12.50}", "{\"click_id\":1e999999}", "{\"click_id\":\"a\",\"click_id\":\"b\"}",
                        "{\"click_id\":\"a\",\"sale_amount\":1e999999}", "{\"click_id\":\"a\",\"sub1\":1e999999}",
                        "{\"click_id\":\"a\",\"sub1\":1e9999999}", "{\"click_id\":\"a\",\"sub1\":1e99999999}",
                        "{\"click_id\":\"a\",\"sub1\":1e999999999}", "{\"click_id\":\"a\",\"sub1\":-1e-999999999}",
                        "{\"click_id\":\"a\",\"sale_amount\":NaN}", "{\"click_id\":\"a\",\"sale_amount\":-1}",
                        "{\"click_id\":\"a\",\"sale_amount\":\"1e999999\"}", "{\"click_id\":\"a\"", "{\"click_id\":\"a\"}x",
                        "{'click_id':'a'}", "{\"click_id\":\"a\" /* c */}", "\ufeff{\"click_id\":\"a\"}",
                        "{\"click_id\":\"\\ud800\"}", "{\"click_id\":\"a\\u0000b\"}", "{\"click_id\":\"\\u0000\"}",
                        "click_id=a", "click_id=%zz", "click_id=%", "click_id=%C3%28", "click_id=a&click_id=b",
                        "click_id", "=", "&&&", "%", "click_id=a&=&==&", "click_id=%ED%A0%80",
                        "{\"click_id\":\"a\",\"sub1\":" + "9".repeat(1100) + "}").map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(
                        new byte[] {'{', '"', 'c', 'l', 'i', 'c', 'k', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        new byte[] {'c', 'l', 'i', 'c', 'k', '_', 'i', 'd', '=', (byte) 0xFF, (byte) 0xFE},
                        new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'},
                        new byte[] {0, 0, 0, 0})),
                Tuple.of(2, Arbitraries.integers().between(1, 40_000).map(IngestFuzzIT::deepJson)),
                Tuple.of(3, Combinators.combine(Arbitraries.of("token", "security_token", "sub1", "click_id", "amount"),
                                Arbitraries.frequency(Tuple.of(2, -1), Tuple.of(1, 1), Tuple.of(1, 100), Tuple.of(1, 5_000),
                                        Tuple.of(1, 25_000)),
                                Arbitraries.of(true, false))
                        .as(IngestFuzzIT::repeatedValues)),
                Tuple.of(1, Arbitraries.integers().between(60_000, 70_000)
                        .map(n -> ("click_id=big&pad=" + "p".repeat(n)).getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
        return Combinators.combine(contentTypes, bodies, Arbitraries.of("", "?click_id=q", "?sub1=x"))
                .as((type, body, query) -> new FuzzRequest("hostile-body", "POST", "/postback" + query,
                        type.isEmpty() ? null : type, body, Expected.ANY, null, false));
    }

    /** Nested arrays or objects, as deep as the body limit allows. */
    private static byte[] deepJson(int depth) {
        boolean objects = depth % 2 == 0;
        StringBuilder json = new StringBuilder("{\"click_id\":\"deep\",\"nested\":");
        json.append((objects ? "{\"a\":" : "[").repeat(depth)).append("1").append((objects ? "}" : "]").repeat(depth));
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One name with many values: {@code name=a&name=a...} or {@code {"name":["a","a",...]}}; a
     * count of -1 fills the body up to its limit.
     */
    private static byte[] repeatedValues(String name, int count, boolean json) {
        if (count < 0) {
            int prefix = json ? 24 + name.length() : 12;
            int each = json ? 4 : name.length() + 3;
            count = (MAX_BODY_BYTES - prefix) / each;
        }
        StringBuilder body = new StringBuilder();
        String value = "a";
        if (json) {
            body.append("{\"click_id\":\"rep\",\"").append(name).append("\":[");
            for (int i = 0; i < count; i++) {
                body.append(i == 0 ? "" : ",").append('"').append(value).append('"');
            }
            body.append("]}");
        } else {
            body.append("click_id=rep");
            for (int i = 0; i < count; i++) {
                body.append('&').append(name).append('=').append(value);
            }
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Request lines that are broken, odd or aimed elsewhere. */
    private static Arbitrary<FuzzRequest> hostileTargets() {
        Arbitrary<String> targets = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("%zz", "%", "%C3%28", "%00", "click_id=%", "click_id=a%zz", "click_id=%C3%28",
                        "click_id=%ED%A0%80", "click_id=%F4%90%80%80", "click_id=%C0%AF", "click_id=%FF%FE",
                        "click_id=%0D%0A", "click_id=a%00", "click_id=%u0041", "click_id=a#frag", "click_id=a;b=c",
                        "click_id=%2", "click_id=a&%", "=&=&click_id=a", "click_id=a&click_id=a&click_id=a",
                        "click_id=\u00e9t\u00e9", "click_id=\u0000", "click_id=a b", "click_id=a\tb",
                        "click_id=a%20&sale_amount=1e999999", "click_id=a&sale_amount=1." + "0".repeat(7000),
                        "click_id=" + "x".repeat(9000)).map(q -> "/postback?" + q)),
                Tuple.of(2, Arbitraries.of("/postback/../postback?click_id=a", "//postback?click_id=a",
                        "/POSTBACK?click_id=a", "/postback%2F?click_id=a", "/postback;x=y?click_id=a",
                        "http://127.0.0.1/postback?click_id=a", "*", "postback?click_id=a", "/%2e%2e/postback?click_id=a",
                        "/postback/?click_id=a", "/healthz?click_id=a", "/readyz", "/")),
                Tuple.of(2, Arbitraries.integers().between(1, 2_000)
                        .map(n -> "/postback?click_id=r" + "&sub1=a".repeat(n))));
        Arbitrary<String> methods = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("GET")),
                Tuple.of(1, Arbitraries.of("HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "FOO", "get")));
        return Combinators.combine(methods, targets)
                .as((method, target) -> new FuzzRequest("hostile-target", method, target, null, new byte[0],
                        Expected.ANY, null, false));
    }

    /**
     * Lays parameters out over the query string and the body as the transport says; works out the
     * click id the record must carry when every parameter is cleanly encoded.
     */
    private static FuzzRequest build(String shape, Transport transport, List<Param> params, Expected expected,
                                     boolean authenticates, Random random) {
        List<Param> query = new ArrayList<>();
        List<Param> body = new ArrayList<>();
        for (Param param : params) {
            boolean inBody = switch (transport) {
                case QUERY -> false;
                case FORM, JSON -> true;
                case SPLIT_FORM, SPLIT_JSON -> random.nextBoolean();
            };
            (inBody ? body : query).add(param);
        }
        boolean json = transport == Transport.JSON || transport == Transport.SPLIT_JSON;
        String target = "/postback" + (query.isEmpty() ? "" : "?" + formEncode(query, random));
        if (transport == Transport.QUERY) {
            return new FuzzRequest(shape, "GET", target, null, new byte[0], expected, expectedClick(params, json), authenticates);
        }
        String contentType = json
                ? random.nextBoolean() ? "application/json" : "application/json; charset=UTF-8"
                : random.nextBoolean() ? "application/x-www-form-urlencoded" : "application/x-www-form-urlencoded; charset=UTF-8";
        String bodyText = json ? jsonEncode(body) : formEncode(body, random);
        return new FuzzRequest(shape, "POST", target, contentType, bodyText.getBytes(StandardCharsets.UTF_8),
                expected, expectedClick(params, json), authenticates);
    }

    /** The one click id a stored record may carry, or null when the test cannot tell. */
    private static String expectedClick(List<Param> params, boolean json) {
        Set<String> clickIds = new LinkedHashSet<>();
        for (Param param : params) {
            if (param.encoding() != Encoding.CLEAN && !(json && param.encoding() == Encoding.RAW)) {
                return null;
            }
            if (CLICK_NAMES.contains(param.name()) && !param.value().isBlank()) {
                clickIds.add(asStored(param.value()).strip());
            }
        }
        return clickIds.size() == 1 ? clickIds.iterator().next() : null;
    }

    /** A Java string as it comes back from UTF-8 (a lone surrogate becomes '?'). */
    private static String asStored(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static final List<String> GARBAGE = List.of("%zz", "%", "%C3%28", "%ED%A0%80", "%C0%AF", "%F4%90%80%80",
            "%00", "%0D%0A", "%2", "%%", "%u0041", "+", "&", "=", "&=&", "%26", "%3D", "%FF%FE");

    private static String formEncode(List<Param> params, Random random) {
        StringBuilder encoded = new StringBuilder();
        for (Param param : params) {
            if (!encoded.isEmpty()) {
                encoded.append('&');
            }
            String value = switch (param.encoding()) {
                case CLEAN, JSON_NUMBER -> URLEncoder.encode(param.value(), StandardCharsets.UTF_8);
                case RAW -> param.value();
                case GARBLED -> {
                    String clean = URLEncoder.encode(param.value(), StandardCharsets.UTF_8);
                    int at = random.nextInt(clean.length() + 1);
                    yield clean.substring(0, at) + GARBAGE.get(random.nextInt(GARBAGE.size())) + clean.substring(at);
                }
            };
            encoded.append(URLEncoder.encode(param.name(), StandardCharsets.UTF_8)).append('=').append(value);
        }
        return encoded.toString();
    }

    /** A JSON object; repeated names become arrays. Every non-ASCII character is escaped, lone surrogates too. */
    private static String jsonEncode(List<Param> params) {
        Map<String, List<Param>> byName = new LinkedHashMap<>();
        params.forEach(param -> byName.computeIfAbsent(param.name(), n -> new ArrayList<>()).add(param));
        StringBuilder json = new StringBuilder("{");
        byName.forEach((name, values) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(jsonString(name)).append(':');
            if (values.size() > 1) {
                json.append('[');
            }
            for (int i = 0; i < values.size(); i++) {
                Param param = values.get(i);
                json.append(i == 0 ? "" : ",");
                switch (param.encoding()) {
                    case JSON_NUMBER -> json.append(param.value()); // the text as a bare JSON token, valid or not
                    case GARBLED -> json.append(jsonString(param.value()).replace("\"", "\"\\x"));
                    default -> json.append(jsonString(param.value()));
                }
            }
            if (values.size() > 1) {
                json.append(']');
            }
        });
        return json.append('}').toString();
    }

    private static String jsonString(String value) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private static Arbitrary<String> validId() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars("-_.:~").ofMinLength(1).ofMaxLength(64);
    }

    private static Arbitrary<String> money() {
        return Arbitraries.bigDecimals().between(java.math.BigDecimal.ZERO, new java.math.BigDecimal("999999999999"))
                .ofScale(2).map(java.math.BigDecimal::toPlainString);
    }

    // --- the wire -----------------------------------------------------------------------------

    private static RawHttp.Answer exchange(FuzzRequest request) throws IOException {
        return RawHttp.exchange(ingest.uri(), request.method(), request.target(), request.contentType(), request.body());
    }

    // --- the topic ----------------------------------------------------------------------------

    private static long endOffset() {
        return consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(10)).get(PARTITION);
    }

    private static ConsumerRecord<String, RawPostback> recordAt(long offset) {
        consumer.seek(PARTITION, offset);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, RawPostback> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() == offset) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record at offset " + offset);
    }
}

package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Named.named;

/**
 * The ingest edge against a real Kafka broker and a real schema registry: what a postback turns
 * into on {@code postbacks.raw}, and that every request answered with a request_id is recorded
 * under it, and nothing else.
 */
class IngestServerIT {

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static RawPostbackTopic topic;
    private static IngestServer ingest;
    private static IngestHttp http;

    @BeforeAll
    static void startPipelineEdge() throws Exception {
        topic = RawPostbackTopic.create(kit);
        ingest = startIngest(IngestConfig.builder().port(0).build(), kit.registryUrl());
        http = new IngestHttp(ingest.uri());
    }

    @AfterAll
    static void stopPipelineEdge() {
        if (ingest != null) {
            ingest.close();
        }
    }

    // --- accepted postbacks -------------------------------------------------------------------

    @Test
    void getPostbackIsStoredWithEveryQueryParameterAndTheRequestDetails() throws Exception {
        Instant before = Instant.now();

        IngestHttp.Answer answer = http.get("/postback?click_id=c1&goal_value=purchase&sale_amount=49.90"
                + "&currency=USD&txn_id=o-1&sub1=a&my_param=x");

        assertAccepted(answer);
        ConsumerRecord<String, RawPostback> record = topic.awaitRecord(answer.requestId());
        RawPostback postback = record.value();
        assertThat(record.key()).isEqualTo("c1");
        assertThat(postback.getRequestId()).isEqualTo(answer.requestId());
        assertThat(postback.getClickId()).isEqualTo("c1");
        assertThat(postback.getMethod()).isEqualTo("GET");
        assertThat(postback.getQueryParams()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "click_id", List.of("c1"),
                "goal_value", List.of("purchase"),
                "sale_amount", List.of("49.90"),
                "currency", List.of("USD"),
                "txn_id", List.of("o-1"),
                "sub1", List.of("a"),
                "my_param", List.of("x")));
        assertThat(postback.getBodyParams()).isEmpty();
        assertThat(postback.getRemoteAddr()).isEqualTo("127.0.0.1");
        assertThat(postback.getUserAgent()).isEqualTo(IngestHttp.USER_AGENT);
        assertThat(postback.getForwardedFor()).isNull();
        assertThat(postback.getReceivedAt()).isBetween(before.minusSeconds(1), Instant.now());
    }

    @Test
    void formBodyParametersAreStoredApartFromQueryParameters() throws Exception {
        IngestHttp.Answer answer = http.post("/postback?sub1=from-query",
                "application/x-www-form-urlencoded",
                "click_id=c2&sale_amount=10.00&coupon=SPRING+25&sub2=x&sub2=y");

        assertAccepted(answer);
        RawPostback postback = topic.awaitRecord(answer.requestId()).value();
        assertThat(postback.getClickId()).isEqualTo("c2");
        assertThat(postback.getMethod()).isEqualTo("POST");
        assertThat(postback.getContentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(postback.getQueryParams()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sub1", List.of("from-query")));
        assertThat(postback.getBodyParams()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "click_id", List.of("c2"),
                "sale_amount", List.of("10.00"),
                "coupon", List.of("SPRING 25"),
                "sub2", List.of("x", "y")));
    }

    @Test
    void jsonBodyKeepsAmountDigitsArraysAndNestedObjects() throws Exception {
        IngestHttp.Answer answer = http.post("/postback", "application/json",
                "{\"click_id\":\"c3\",\"sale_amount\":12.50,\"sub2\":[\"a\",\"b\"],\"nested\":{\"k\":1}}");

        assertAccepted(answer);
        ConsumerRecord<String, RawPostback> record = topic.awaitRecord(answer.requestId());
        assertThat(record.key()).isEqualTo("c3");
        Map<String, List<String>> body = record.value().getBodyParams();
        assertThat(body.get("click_id")).containsExactly("c3");
        assertThat(body.get("sale_amount")).as("the digits as sent, not a double's").containsExactly("12.50");
        assertThat(body.get("sub2")).containsExactly("a", "b");
        assertThat(body.get("nested")).containsExactly("{\"k\":1}");
        assertThat(record.value().getQueryParams()).isEmpty();
    }

    @Test
    void concurrentPostbacksAreAllAcknowledgedAndAllStored() throws Exception {
        List<CompletableFuture<IngestHttp.Answer>> inFlight = IntStream.range(0, 10)
                .mapToObj(i -> http.getAsync("/postback?click_id=concurrent-" + i + "&txn_id=t-" + i))
                .toList();
        List<IngestHttp.Answer> answers = inFlight.stream().map(CompletableFuture::join).toList();

        answers.forEach(IngestServerIT::assertAccepted);
        List<String> requestIds = answers.stream().map(IngestHttp.Answer::requestId).distinct().toList();
        assertThat(requestIds).hasSize(10);
        Map<String, ConsumerRecord<String, RawPostback>> stored = topic.awaitRecords(requestIds);
        assertThat(stored.values()).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "concurrent-" + i).toList());
    }

    // --- refused postbacks --------------------------------------------------------------------

    /** A refused postback: how it is sent and what the answer must say. */
    private record Refusal(String method, String pathAndQuery, String contentType, String body,
                           int status, String error, String field) {
    }

    static Stream<Arguments> refusedPostbacks() {
        return Stream.of(
                refusal("missing click_id",
                        new Refusal("GET", "/postback?goal_value=purchase&sale_amount=5", null, null,
                                400, "MISSING_CLICK_ID", "click_id")),
                refusal("malformed sale_amount",
                        new Refusal("GET", "/postback?click_id=bad-amount&sale_amount=abc", null, null,
                                400, "MALFORMED", "sale_amount")),
                refusal("click_id in query and body disagree",
                        new Refusal("POST", "/postback?click_id=query-click", "application/x-www-form-urlencoded",
                                "click_id=body-click", 400, "MALFORMED", "click_id")),
                refusal("parameters over what a postback may carry",
                        new Refusal("POST", "/postback?click_id=large", "application/x-www-form-urlencoded",
                                ("note=" + "n".repeat(1000) + "&").repeat(5), 400, "MALFORMED", "parameters")),
                refusal("invalid JSON body",
                        new Refusal("POST", "/postback", "application/json", "{\"click_id\":\"bad-json\",",
                                400, "MALFORMED", null)),
                refusal("text/plain body",
                        new Refusal("POST", "/postback?click_id=plain-text", "text/plain", "click_id=plain-text",
                                415, "UNSUPPORTED_MEDIA_TYPE", null)));
    }

    private static Arguments refusal(String name, Refusal refusal) {
        return Arguments.of(named(name, refusal));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedPostbacks")
    void invalidRequestsAreRecordedUnderTheRequestIdTheyAreAnsweredWith(Refusal refusal) throws Exception {
        long offsetBefore = topic.endOffset();

        IngestHttp.Answer answer = refusal.method().equals("GET")
                ? http.get(refusal.pathAndQuery())
                : http.post(refusal.pathAndQuery(), refusal.contentType(), refusal.body());

        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(refusal.status());
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.field("status")).isEqualTo("rejected");
        assertThat(answer.field("error")).isEqualTo(refusal.error());
        assertThat(answer.field("field")).isEqualTo(refusal.field());
        assertThat(answer.requestId()).as("the id it is recorded under").isNotBlank();
        RawPostback recorded = assertOnlyNewRecordsAre(offsetBefore, answer.requestId()).get(0);
        assertThat(recorded.getEdgeRejection()).isEqualTo(refusal.error().equals("MISSING_CLICK_ID")
                ? RejectionReason.MISSING_CLICK_ID : RejectionReason.MALFORMED);
        assertThat(recorded.getEdgeRejectionDetail()).isEqualTo(answer.field("message"));
        assertThat(recorded.getMethod()).isEqualTo(refusal.method());
        assertThat(recorded.getUserAgent()).isEqualTo(IngestHttp.USER_AGENT);
    }

    @Test
    void aRecordedInvalidRequestKeepsItsValidClickIdAndItsParameters() throws Exception {
        IngestHttp.Answer answer = http.get("/postback?click_id=bad-amount&sale_amount=abc&campaign_id=camp-7");

        ConsumerRecord<String, RawPostback> record = topic.awaitRecord(answer.requestId());
        assertThat(record.key()).isEqualTo("bad-amount");
        assertThat(record.value().getClickId()).isEqualTo("bad-amount");
        assertThat(record.value().getQueryParams()).containsEntry("sale_amount", List.of("abc"))
                .containsEntry("campaign_id", List.of("camp-7"));
    }

    @Test
    void aRecordedRequestWithoutClickIdIsKeyedByItsRequestId() throws Exception {
        IngestHttp.Answer answer = http.get("/postback?goal_value=purchase");

        ConsumerRecord<String, RawPostback> record = topic.awaitRecord(answer.requestId());
        assertThat(record.key()).isEqualTo(answer.requestId());
        assertThat(record.value().getClickId()).isEmpty();
    }

    @Test
    void bodiesOverTheLimitGet413WhetherSizedOrChunkedAndAreRecordedWithoutTheirBody() throws Exception {
        try (IngestServer small = startIngest(IngestConfig.builder().port(0).maxBodyBytes(1024).build(),
                kit.registryUrl())) {
            IngestHttp smallHttp = new IngestHttp(small.uri());
            long offsetBefore = topic.endOffset();

            IngestHttp.Answer sized = smallHttp.post("/postback?sub1=sized", "application/x-www-form-urlencoded",
                    HttpRequest.BodyPublishers.ofByteArray(validFormBody("too-large-sized", 2048)));
            IngestHttp.Answer chunked = smallHttp.post("/postback?sub1=chunked", "application/x-www-form-urlencoded",
                    HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(validFormBody("too-large-chunked", 4096))));

            assertPayloadTooLarge(sized);
            assertPayloadTooLarge(chunked);
            List<RawPostback> recorded = assertOnlyNewRecordsAre(offsetBefore, sized.requestId(), chunked.requestId());
            assertThat(recorded).allSatisfy(postback -> {
                assertThat(postback.getEdgeRejection()).isEqualTo(RejectionReason.MALFORMED);
                assertThat(postback.getEdgeRejectionDetail()).isEqualTo("body is larger than 1024 bytes");
                assertThat(postback.getBodyParams()).isEmpty();
            });
            assertThat(recorded).extracting(postback -> postback.getQueryParams().get("sub1"))
                    .containsExactly(List.of("sized"), List.of("chunked"));
        }
    }

    // --- health -------------------------------------------------------------------------------

    @Test
    void livenessIsUp() throws Exception {
        IngestHttp.Answer answer = http.get("/healthz");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().toString()).isEqualTo("{\"status\":\"up\"}");
    }

    @Test
    void readinessIsUpWhileTheBrokerIsUp() throws Exception {
        IngestHttp.Answer answer = http.get("/readyz");

        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(200);
        assertThat(answer.field("status")).isEqualTo("up");
    }

    // --- outages ------------------------------------------------------------------------------

    @Test
    void unreachableRegistryGets503WithRetryAfterInTime() throws Exception {
        IngestConfig config = IngestConfig.builder().port(0).build();
        try (IngestServer blind = startIngest(config, "http://127.0.0.1:" + closedPort() + "/apis/registry/v2")) {
            long offsetBefore = topic.endOffset();

            IngestHttp.Answer answer = new IngestHttp(blind.uri()).get("/postback?click_id=no-registry&txn_id=o-9");

            assertThat(answer.status()).as(answer.rawBody()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(answer.field("status")).isEqualTo("unavailable");
            assertThat(answer.took()).isLessThan(config.produceTimeout().plusSeconds(3));
            assertOnlyNewRecordIsTheNextValidPostback(offsetBefore);
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private static IngestServer startIngest(IngestConfig config, String registryUrl) throws Exception {
        return IngestServer.start(config, kit.bootstrapServers(), new RegistrySerdes(registryUrl));
    }

    static void assertAccepted(IngestHttp.Answer answer) {
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.field("status")).isEqualTo("accepted");
        assertThat(answer.requestId()).isNotBlank();
    }

    private static void assertPayloadTooLarge(IngestHttp.Answer answer) {
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.field("status")).isEqualTo("rejected");
        // Same code whether the body said its length or grew too long while being read.
        assertThat(answer.field("error")).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    /**
     * Sends one valid postback and checks that it is the first record written since
     * {@code offsetBefore}: whatever was sent in between left nothing on the topic.
     */
    private static void assertOnlyNewRecordIsTheNextValidPostback(long offsetBefore) throws Exception {
        assertOnlyNewRecordsAre(offsetBefore);
    }

    /**
     * Sends one valid postback and checks that the records written since {@code offsetBefore} are
     * those of {@code requestIds}, in order, then that postback's; returns the former.
     */
    private static List<RawPostback> assertOnlyNewRecordsAre(long offsetBefore, String... requestIds) throws Exception {
        IngestHttp.Answer marker = http.get("/postback?click_id=marker");
        assertAccepted(marker);

        List<ConsumerRecord<String, RawPostback>> written = topic.recordsFrom(offsetBefore, marker.requestId());

        List<String> expected = new ArrayList<>(List.of(requestIds));
        expected.add(marker.requestId());
        assertThat(written).extracting(record -> record.value().getRequestId())
                .as("request ids written since offset %d (click ids %s)", offsetBefore,
                        written.stream().map(ConsumerRecord::key).toList())
                .containsExactlyElementsOf(expected);
        return written.subList(0, requestIds.length).stream().map(ConsumerRecord::value).toList();
    }

    /** A form body that would be a valid postback, padded to exactly {@code size} bytes. */
    private static byte[] validFormBody(String clickId, int size) {
        String start = "click_id=" + clickId + "&padding=";
        return (start + "x".repeat(size - start.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /** A loopback port nothing listens on: bound once, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

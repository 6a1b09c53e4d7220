package io.attribution.ingest;

import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each defence of the edge against a hostile or broken client, on the real server. */
class IngestLimitsIT {

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static RawPostbackTopic topic;

    @BeforeAll
    static void createTopic() {
        topic = RawPostbackTopic.create(kit);
    }

    private static IngestServer start(IngestConfig.Builder config) throws Exception {
        return start(config, new EdgeMetrics());
    }

    private static IngestServer start(IngestConfig.Builder config, EdgeMetrics metrics) throws Exception {
        return IngestServer.start(config.port(0).build(), kit.bootstrapServers(), new RegistrySerdes(kit.registryUrl()),
                metrics.registry());
    }

    @Test
    void overlongUriIs414AndOverlongHeadersAre431() throws Exception {
        try (IngestServer ingest = start(IngestConfig.builder().maxRequestHeaderBytes(2048))) {
            IngestHttp http = new IngestHttp(ingest.uri());

            IngestHttp.Answer longUri = http.get("/postback?click_id=c&sub1=" + "x".repeat(4000));
            IngestHttp.Answer longHeader = http.send(http.request("/postback?click_id=c")
                    .header("X-Padding", "y".repeat(4000)).GET().build());
            IngestHttp.Answer normal = http.get("/postback?click_id=c");

            assertThat(longUri.status()).isEqualTo(414);
            assertThat(longUri.field("error")).isEqualTo("HTTP_414");
            assertThat(longHeader.status()).isEqualTo(431);
            assertThat(longHeader.field("error")).isEqualTo("HTTP_431");
            assertThat(normal.status()).isEqualTo(200);
        }
    }

    @Test
    void slowBodySenderIsCutOffWhileANormalClientIsAnswered() throws Exception {
        IngestConfig.Builder config = IngestConfig.builder().idleTimeout(Duration.ofSeconds(3)).minRequestDataRate(200);
        try (IngestServer ingest = start(config);
             RawHttpClient slow = new RawHttpClient(ingest.uri(), "127.0.0.2")) {
            slow.send("POST /postback HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 1000\r\n\r\nclick_id=");
            // One byte a second: far below 200 bytes/s, yet never silent long enough to idle out.
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        Thread.sleep(1000);
                        slow.send("a");
                    }
                } catch (Exception closedByServer) {
                    // expected
                }
            });
            trickle.setDaemon(true);
            trickle.start();

            assertThat(new IngestHttp(ingest.uri()).get("/postback?click_id=normal").status()).isEqualTo(200);
            Duration cutOffAfter = slow.awaitServerClose(Duration.ofSeconds(30));
            assertThat(cutOffAfter).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void silentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        IngestConfig.Builder config = IngestConfig.builder().idleTimeout(Duration.ofSeconds(1)).minRequestDataRate(0);
        try (IngestServer ingest = start(config);
             RawHttpClient silent = new RawHttpClient(ingest.uri(), "127.0.0.2")) {
            silent.send("GET /postback?click_id=c HTTP/1.1\r\nHost: ing");

            Duration closedAfter = silent.awaitServerClose(Duration.ofSeconds(10));

            assertThat(closedAfter).isLessThan(Duration.ofSeconds(5));
            assertThat(new IngestHttp(ingest.uri()).get("/postback?click_id=normal").status()).isEqualTo(200);
        }
    }

    @Test
    void aFloodFromOneClientGets429WhileAnotherClientGets200() throws Exception {
        try (IngestServer ingest = start(IngestConfig.builder().maxRequestsPerSecond(5))) {
            URI uri = ingest.uri();
            List<Integer> flood = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                flood.add(RawHttpClient.get(uri, "127.0.0.2", "/healthz"));
            }
            int other = RawHttpClient.get(uri, "127.0.0.3", "/postback?click_id=other-client");

            assertThat(flood).contains(429);
            assertThat(flood.subList(0, 3)).containsOnly(200);
            assertThat(other).isEqualTo(200);
        }
    }

    @Test
    void behindATrustedProxyEachClientHasItsOwnRateLimit() throws Exception {
        IngestConfig.Builder config = IngestConfig.builder().maxRequestsPerSecond(5)
                .trustedProxies(List.of("127.0.0.4"));
        try (IngestServer ingest = start(config)) {
            URI uri = ingest.uri();
            List<Integer> flood = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                flood.add(viaProxy(uri, "198.51.100.1", "/healthz"));
            }
            int other = viaProxy(uri, "198.51.100.2", "/postback?click_id=other-client-behind-the-proxy");
            List<Integer> spoofing = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                spoofing.add(forwardedFor(uri, "127.0.0.2", "198.51.100." + (100 + i), "/healthz"));
            }

            assertThat(flood).contains(429);
            assertThat(other).as("another advertiser behind the same proxy").isEqualTo(200);
            assertThat(spoofing).as("X-Forwarded-For from a client that is no proxy names no other client")
                    .contains(429);
        }
    }

    /** A request as the trusted proxy 127.0.0.4 forwards it for {@code client}. */
    private static int viaProxy(URI uri, String client, String pathAndQuery) throws Exception {
        return forwardedFor(uri, "127.0.0.4", client, pathAndQuery);
    }

    private static int forwardedFor(URI uri, String peer, String client, String pathAndQuery) throws Exception {
        try (RawHttpClient connection = new RawHttpClient(uri, peer)) {
            connection.send("GET " + pathAndQuery + " HTTP/1.1\r\nHost: ingest\r\nX-Forwarded-For: " + client
                    + "\r\nConnection: close\r\n\r\n");
            return connection.status();
        }
    }

    @Test
    void aFloodOfInvalidRequestsIsRecordedOnlyUpToTheBudget() throws Exception {
        int budget = 10;
        EdgeMetrics metrics = new EdgeMetrics();
        IngestConfig.Builder config = IngestConfig.builder().maxRequestsPerSecond(100_000)
                .maxRecordedRefusalsPerSecond(budget);
        try (IngestServer ingest = start(config, metrics)) {
            IngestHttp http = new IngestHttp(ingest.uri());
            long offsetBefore = topic.endOffset();
            long startedAt = System.nanoTime();
            List<IngestHttp.Answer> flood = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                flood.add(http.get("/postback?goal_value=flood-" + i));
            }
            double seconds = (System.nanoTime() - startedAt) / 1e9;
            IngestHttp.Answer marker = http.get("/postback?click_id=after-the-flood");

            assertThat(flood).extracting(IngestHttp.Answer::status).containsOnly(400);
            List<String> answeredIds = flood.stream().map(IngestHttp.Answer::requestId)
                    .filter(id -> id != null).toList();
            // A burst of one second's budget, then the budget per second.
            assertThat(answeredIds).hasSizeGreaterThanOrEqualTo(budget)
                    .hasSizeLessThanOrEqualTo(budget + (int) Math.ceil(budget * seconds));
            assertThat(topic.recordsFrom(offsetBefore, marker.requestId())).extracting(r -> r.value().getRequestId())
                    .as("every request id answered is recorded, and nothing more")
                    .containsExactlyElementsOf(concat(answeredIds, marker.requestId()));
            assertThat(metrics.unrecordedRefusals()).isEqualTo(flood.size() - answeredIds.size());
        }
    }

    private static List<String> concat(List<String> ids, String last) {
        List<String> all = new ArrayList<>(ids);
        all.add(last);
        return all;
    }

    @Test
    void whenEveryRequestSlotIsBusyTheNextRequestGets503() throws Exception {
        IngestConfig.Builder config = IngestConfig.builder().minRequestDataRate(0)
                .maxConcurrentRequests(1).maxQueueWait(Duration.ofMillis(300));
        EdgeMetrics metrics = new EdgeMetrics();
        try (IngestServer ingest = start(config, metrics);
             RawHttpClient holder = new RawHttpClient(ingest.uri(), "127.0.0.2")) {
            // Headers sent, body promised but not sent: the request holds the only slot.
            holder.send("POST /postback HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Connection: close\r\nContent-Length: 20\r\n\r\n");
            await("the held request in the edge").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(metrics::inFlight, inFlight -> inFlight == 1);

            int saturated = RawHttpClient.get(ingest.uri(), "127.0.0.3", "/postback?click_id=waiting");

            holder.send("click_id=held-slot-1");
            assertThat(holder.status()).isEqualTo(200);
            assertThat(saturated).isEqualTo(503);
            assertThat(RawHttpClient.get(ingest.uri(), "127.0.0.3", "/postback?click_id=after")).isEqualTo(200);
        }
    }
}

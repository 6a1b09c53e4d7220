package io.attribution.ingest;

import io.attribution.avro.Campaign;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.management.ManagementServer;
import io.attribution.schemas.RegistrySerdes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The edge's metrics as Prometheus scrapes them from the management port, after real answers from
 * the servlet and from Jetty's own limits. Each test has its own edge and registry, so every count
 * is exact. Counters are read with a short wait: Jetty logs a request just after answering it.
 */
class IngestMetricsIT {

    private static final String REQUESTS = "postback_requests_total";
    private static final Duration SCRAPE_WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @BeforeAll
    static void createTopic() throws Exception {
        RawPostbackTopic.create(kit);
        ClicksTopic.create(kit);
        CampaignsTopic.write(kit, new RegistrySerdes(kit.registryUrl()), Campaign.newBuilder()
                .setCampaignId("metrics-campaign").setAdvertiserId("adv").setGoals(List.of())
                .setLandingUrl("https://land.example/?c={click_id}").build());
    }

    @Test
    void clicksAreCountedApartFromPostbacksByOutcomeAndStatus() throws Exception {
        try (Edge edge = Edge.start(IngestConfig.builder())) {
            IngestHttp http = new IngestHttp(edge.ingest.uri());

            assertThat(http.get("/click?campaign_id=metrics-campaign&affiliate_id=a").status()).isEqualTo(302);
            assertThat(http.get("/click?campaign_id=metrics-campaign&affiliate_id=b").status()).isEqualTo(302);
            assertThat(http.get("/click?campaign_id=nobody&affiliate_id=a").status()).isEqualTo(404);
            assertThat(http.get("/click?campaign_id=metrics-campaign").status()).isEqualTo(400);
            assertThat(http.get("/postback?click_id=metrics-click").status()).isEqualTo(200);

            await().atMost(SCRAPE_WAIT).untilAsserted(() -> {
                MetricsScrape scrape = edge.scrape();
                assertThat(scrape.series("click_requests_total")).containsExactlyInAnyOrder(
                        "click_requests_total{outcome=\"redirected\",status=\"302\"} 2.0",
                        "click_requests_total{outcome=\"unknown_campaign\",status=\"404\"} 1.0",
                        "click_requests_total{outcome=\"invalid\",status=\"400\"} 1.0");
                assertThat(scrape.series(REQUESTS)).containsExactly(
                        REQUESTS + "{outcome=\"accepted\",status=\"200\"} 1.0");
                assertThat(scrape.value("click_produce_latency_seconds_count")).hasValue(2.0);
            });
        }
    }

    @Test
    void everyAnswerIsCountedByOutcomeAndStatusWhicheverPartOfJettyGaveIt() throws Exception {
        IngestConfig.Builder config = IngestConfig.builder().maxBodyBytes(1024).maxRequestHeaderBytes(2048);
        try (Edge edge = Edge.start(config)) {
            IngestHttp http = new IngestHttp(edge.ingest.uri());

            assertThat(http.get("/postback?click_id=metrics-accepted").status()).isEqualTo(200);
            assertThat(http.get("/postback?goal_value=purchase").status()).isEqualTo(400);
            assertThat(http.post("/postback", "application/x-www-form-urlencoded",
                    HttpRequest.BodyPublishers.ofByteArray(
                            ("click_id=too-large&padding=" + "x".repeat(2048)).getBytes(StandardCharsets.US_ASCII)))
                    .status()).as("413 from Jetty's size limit").isEqualTo(413);
            assertThat(http.get("/postback?click_id=c&sub1=" + "x".repeat(4000)).status())
                    .as("414 from Jetty's HTTP parser").isEqualTo(414);
            assertThat(http.send(http.request("/postback?click_id=c").header("X-Padding", "y".repeat(4000))
                    .GET().build()).status()).as("431 from Jetty's HTTP parser").isEqualTo(431);
            assertThat(http.get("/healthz").status()).isEqualTo(200);
            assertThat(http.get("/readyz").status()).isEqualTo(200);

            await().atMost(SCRAPE_WAIT).untilAsserted(() -> assertThat(edge.scrape().series(REQUESTS))
                    .as("health probes are not counted").containsExactlyInAnyOrder(
                            REQUESTS + "{outcome=\"accepted\",status=\"200\"} 1.0",
                            REQUESTS + "{outcome=\"invalid\",status=\"400\"} 1.0",
                            REQUESTS + "{outcome=\"invalid\",status=\"413\"} 1.0",
                            REQUESTS + "{outcome=\"invalid\",status=\"414\"} 1.0",
                            REQUESTS + "{outcome=\"invalid\",status=\"431\"} 1.0"));
            MetricsScrape scrape = edge.scrape();
            assertThat(scrape.value("postback_produce_latency_seconds_count")).as("acknowledged sends")
                    .hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1));
            assertThat(scrape.value("postback_produce_latency_seconds_sum"))
                    .hasValueSatisfying(seconds -> assertThat(seconds).isPositive().isLessThan(5));
            assertThat(scrape.value("postback_requests_in_flight")).hasValue(0.0);
        }
    }

    @Test
    void aRequestHoldingTheOnlySlotIsInFlightAndTheOneTurnedAwayIsUnavailable() throws Exception {
        IngestConfig.Builder config = IngestConfig.builder().minRequestDataRate(0)
                .maxConcurrentRequests(1).maxQueueWait(Duration.ofMillis(300));
        try (Edge edge = Edge.start(config);
             RawHttpClient holder = new RawHttpClient(edge.ingest.uri(), "127.0.0.2")) {
            // Headers sent, body promised but not sent: the request holds the only slot.
            holder.send("POST /postback HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Connection: close\r\nContent-Length: 20\r\n\r\n");
            await().atMost(SCRAPE_WAIT).untilAsserted(() ->
                    assertThat(edge.scrape().value("postback_requests_in_flight")).hasValue(1.0));

            int saturated = RawHttpClient.get(edge.ingest.uri(), "127.0.0.3", "/postback?click_id=waiting");
            holder.send("click_id=held-slot-1");

            assertThat(saturated).isEqualTo(503);
            assertThat(holder.status()).isEqualTo(200);
            await().atMost(SCRAPE_WAIT).untilAsserted(() -> {
                MetricsScrape scrape = edge.scrape();
                assertThat(scrape.series(REQUESTS)).containsExactlyInAnyOrder(
                        REQUESTS + "{outcome=\"accepted\",status=\"200\"} 1.0",
                        REQUESTS + "{outcome=\"unavailable\",status=\"503\"} 1.0");
                assertThat(scrape.value("postback_requests_in_flight")).hasValue(0.0);
            });
        }
    }

    @Test
    void answersOverTheRateLimitAreCountedAsRateLimited() throws Exception {
        try (Edge edge = Edge.start(IngestConfig.builder().maxRequestsPerSecond(5))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                statuses.add(RawHttpClient.get(edge.ingest.uri(), "127.0.0.2", "/postback?click_id=flood-" + i));
            }
            long accepted = statuses.stream().filter(status -> status == 200).count();
            long limited = statuses.stream().filter(status -> status == 429).count();

            assertThat(limited).isPositive();
            assertThat(accepted + limited).as("statuses %s", statuses).isEqualTo(20);
            await().atMost(SCRAPE_WAIT).untilAsserted(() -> assertThat(edge.scrape().series(REQUESTS))
                    .containsExactlyInAnyOrder(
                            REQUESTS + "{outcome=\"accepted\",status=\"200\"} " + (double) accepted,
                            REQUESTS + "{outcome=\"rate_limited\",status=\"429\"} " + (double) limited));
        }
    }

    /** An ingest edge and the management port that serves its metrics, both on free ports. */
    private record Edge(IngestServer ingest, ManagementServer management) implements AutoCloseable {

        static Edge start(IngestConfig.Builder config) throws Exception {
            PrometheusRegistry metrics = new PrometheusRegistry();
            IngestServer ingest = IngestServer.start(config.port(0).build(), kit.bootstrapServers(),
                    new RegistrySerdes(kit.registryUrl()), metrics);
            try {
                return new Edge(ingest, ManagementServer.start("127.0.0.1", 0, metrics));
            } catch (Exception e) {
                ingest.close();
                throw e;
            }
        }

        MetricsScrape scrape() throws Exception {
            return MetricsScrape.of(management.uri());
        }

        @Override
        public void close() {
            management.close();
            ingest.close();
        }
    }
}

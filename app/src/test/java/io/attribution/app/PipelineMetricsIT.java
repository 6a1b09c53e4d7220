package io.attribution.app;

import io.attribution.embedded.testkit.KafkaKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's management port on real parts: the ingest edge's metrics and the topology's
 * Kafka Streams metrics in one scrape, whichever part recorded them.
 */
class PipelineMetricsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static Pipeline pipeline;

    @BeforeAll
    static void startPipeline() throws Exception {
        Path stateDir = Files.createTempDirectory("pipeline-metrics-it");
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, stateDir, "pipeline-metrics-it");
        pipeline = Pipeline.start(settings, EnumSet.of(Pipeline.Part.INGEST, Pipeline.Part.TOPOLOGY), false);
        // Ingest serves before its background registration of the postbacks' schema has an answer,
        // and a cold registry on a loaded machine can take longer than the registry timeout: until
        // then readiness says UNREGISTERED and postbacks get 503, as they should.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                get(pipeline.managementUri().resolve("/readyz")).statusCode() == 200);
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void oneScrapeHasTheEdgesCountsAndTheTopologysKafkaStreamsMetrics() throws Exception {
        HttpResponse<String> postback = get(pipeline.ingestUri().orElseThrow().resolve("/postback?click_id=metrics-it"));
        assertThat(postback.statusCode()).as(postback.body()).isEqualTo(200);

        // The topology processes the postback a moment after the edge stored it.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(samples("kafka_streams_thread_process_total{"))
                        .as("records processed per stream thread").isNotEmpty()
                        .allSatisfy(line -> assertThat(value(line)).isGreaterThanOrEqualTo(0))
                        .anySatisfy(line -> assertThat(value(line)).isGreaterThanOrEqualTo(1)));
        // One Kafka Streams client per application of topology.role=all: the decisions and the views
        // (whose client id carries the views application's "-views" id).
        assertThat(samples("kafka_streams_client_alive_stream_threads{")).as("one client per application").hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("-views-"))
                .anySatisfy(line -> assertThat(line).doesNotContain("-views-"))
                .allSatisfy(line -> assertThat(value(line)).isGreaterThanOrEqualTo(1));
        assertThat(samples("kafka_streams_client_state{")).as("RUNNING is state 2").hasSize(2)
                .allSatisfy(line -> assertThat(value(line)).isEqualTo(2));
        assertThat(samples("kafka_streams_task_")).as("task-level metrics").isNotEmpty();
        assertThat(samples("kafka_streams_thread_commit_latency_avg{")).as("commit latency").isNotEmpty();
        assertThat(samples("kafka_streams_consumer_fetch_manager_records_lag_max{")).as("consumer lag").isNotEmpty();
        assertThat(samples("postback_requests_total{outcome=\"accepted\",status=\"200\"} "))
                .as("the edge records on the same registry").containsExactly(
                        "postback_requests_total{outcome=\"accepted\",status=\"200\"} 1.0");
    }

    @Test
    void livenessAndReadinessAreServedOnTheManagementPortForEveryPartThatRuns() throws Exception {
        HttpResponse<String> health = get(pipeline.managementUri().resolve("/healthz"));
        HttpResponse<String> ready = get(pipeline.managementUri().resolve("/readyz"));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"up\",\"campaigns.ingest\":\"following\",\"topology\":\"RUNNING\"}");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"up\",\"campaigns.ingest\":\"CURRENT\",\"registry.ingest\":\"VERIFIED\","
                + "\"topology\":\"RUNNING\"}");
        assertThat(pipeline.managementUri().getPort()).isNotEqualTo(pipeline.ingestUri().orElseThrow().getPort());
    }

    /** The sample lines of the current scrape that start with {@code prefix}. */
    private static List<String> samples(String prefix) throws Exception {
        HttpResponse<String> metrics = get(pipeline.managementUri().resolve("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> line.startsWith(prefix)).toList();
    }

    private static double value(String sample) {
        String[] parts = sample.split(" ");
        return Double.parseDouble(parts[parts.length - 1]);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

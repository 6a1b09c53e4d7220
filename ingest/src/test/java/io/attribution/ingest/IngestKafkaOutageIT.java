package io.attribution.ingest;

import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ingest edge when Kafka goes away: a postback is never acknowledged without the broker,
 * the advertiser is told to retry in time, and readiness reports the outage. This class stops
 * its own broker, so it shares none with other tests.
 */
class IngestKafkaOutageIT {

    private static final IngestConfig CONFIG = IngestConfig.builder().port(0)
            .produceTimeout(Duration.ofSeconds(3)).build();

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;
    private static IngestServer ingest;
    private static IngestHttp http;

    @BeforeAll
    static void startPipelineEdge() throws Exception {
        CompletableFuture<EmbeddedSchemaRegistry> registryStart =
                CompletableFuture.supplyAsync(EmbeddedSchemaRegistry::start);
        broker = EmbeddedKafkaBroker.start();
        registry = registryStart.join();
        RawPostbackTopic.create(broker.bootstrapServers(), registry.registryUrl());
        ingest = IngestServer.start(CONFIG, broker.bootstrapServers(), new RegistrySerdes(registry.registryUrl()));
        http = new IngestHttp(ingest.uri());
    }

    @AfterAll
    static void stopPipelineEdge() {
        closeQuietly(ingest);
        closeQuietly(registry);
        closeQuietly(broker);
    }

    @Test
    void postbackGets503WithRetryAfterInTimeAndReadinessTurnsDownWhenTheBrokerStops() throws Exception {
        IngestServerIT.assertAccepted(http.get("/postback?click_id=before-outage"));
        assertThat(http.get("/readyz").status()).isEqualTo(200);

        broker.close();

        IngestHttp.Answer answer = http.get("/postback?click_id=during-outage");
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(answer.field("status")).isEqualTo("unavailable");
        assertThat(answer.took()).isLessThan(CONFIG.produceTimeout().plusSeconds(3));

        await("/readyz reports the outage")
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> {
                    IngestHttp.Answer readiness = http.get("/readyz");
                    assertThat(readiness.status()).isEqualTo(503);
                    assertThat(readiness.field("status")).isEqualTo("down");
                });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("Could not close " + closeable + ": " + e);
        }
    }
}

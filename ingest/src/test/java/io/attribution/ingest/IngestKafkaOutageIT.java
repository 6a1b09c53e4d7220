package io.attribution.ingest;

import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

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

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.ownBroker();

    private static IngestServer ingest;
    private static IngestHttp http;

    @BeforeAll
    static void startPipelineEdge() throws Exception {
        RawPostbackTopic.create(kit);
        ingest = IngestServer.start(CONFIG, kit.bootstrapServers(), new RegistrySerdes(kit.registryUrl()));
        http = new IngestHttp(ingest.uri());
    }

    @AfterAll
    static void stopPipelineEdge() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void postbackGets503WithRetryAfterInTimeAndReadinessTurnsDownWhenTheBrokerStops() throws Exception {
        IngestServerIT.assertAccepted(http.get("/postback?click_id=before-outage"));
        assertThat(http.get("/readyz").status()).isEqualTo(200);

        kit.stopBroker();

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
}

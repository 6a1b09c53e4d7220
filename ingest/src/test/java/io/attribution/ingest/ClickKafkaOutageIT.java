package io.attribution.ingest;

import io.attribution.avro.Campaign;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /click} when Kafka goes away: a visitor is never redirected with a click that was not
 * stored, and is told when to come back. This class stops its own broker, so it shares none with
 * other tests.
 */
class ClickKafkaOutageIT {

    private static final IngestConfig CONFIG = IngestConfig.builder().port(0)
            .produceTimeout(Duration.ofSeconds(3)).build();
    private static final String LINK = "/click?campaign_id=outage-campaign&affiliate_id=aff-1";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.ownBroker();

    private static IngestServer durable;

    @BeforeAll
    static void startEdges() throws Exception {
        ClicksTopic.create(kit);
        RawPostbackTopic.create(kit);
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        CampaignsTopic.write(kit, serdes, Campaign.newBuilder().setCampaignId("outage-campaign")
                .setAdvertiserId("adv").setGoals(List.of()).setLandingUrl("https://land.example/?c={click_id}").build());
        durable = IngestServer.start(CONFIG, kit.bootstrapServers(), serdes);
    }

    @AfterAll
    static void stopEdges() {
        if (durable != null) {
            durable.close();
        }
    }

    @Test
    void aClickThatCannotBeStoredGets503WithRetryAfterNeverARedirect() throws Exception {
        IngestHttp http = new IngestHttp(durable.uri());
        assertThat(http.get(LINK).status()).as("before the outage").isEqualTo(302);

        kit.stopBroker();

        IngestHttp.Answer answer = http.get(LINK);
        assertThat(answer.status()).as(answer.rawBody()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(answer.headers().firstValue("Location")).isEmpty();
        assertThat(answer.field("status")).isEqualTo("unavailable");
        assertThat(answer.took()).isLessThan(CONFIG.produceTimeout().plusSeconds(3));
    }
}

package io.attribution.ingest;

import io.attribution.avro.Campaign;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A signed postback answered 503 (its record could not be stored) is resent as it was, same
 * signature, and accepted; once stored, the same signature is a replay. The record cannot be
 * stored here because {@code postbacks.raw} does not exist yet: the producer gives up on its
 * metadata within half the produce timeout.
 */
class IngestSignatureRetryIT {

    private static final String SECRET = "hmac-key-retry";
    private static final IngestConfig CONFIG = IngestConfig.builder().port(0)
            .produceTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @Test
    void aSignedPostbackNotStoredIsAcceptedWhenResentAndThenIsAReplay() throws Exception {
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        CampaignsTopic.write(kit, serdes, Campaign.newBuilder().setCampaignId("signed").setAdvertiserId("adv-signed")
                .setGoals(List.of()).setSigningSecret(SECRET).build());
        try (IngestServer ingest = IngestServer.start(CONFIG, kit.bootstrapServers(), serdes)) {
            IngestHttp http = new IngestHttp(ingest.uri());
            String query = "click_id=c-retry&campaign_id=signed&goal_value=sale";
            long now = Instant.now().getEpochSecond();
            String signature = RequestSignature.sign(SECRET, Long.toString(now), "GET", "/postback", query,
                    new byte[0]);

            IngestHttp.Answer notStored = http.signedGet(query, now, signature);
            RawPostbackTopic topic = RawPostbackTopic.create(kit);
            IngestHttp.Answer resent = http.signedGet(query, now, signature);
            IngestHttp.Answer replayed = http.signedGet(query, now, signature);

            assertThat(notStored.status()).as(notStored.rawBody()).isEqualTo(503);
            assertThat(notStored.headers().firstValue("Retry-After")).isPresent();
            assertThat(resent.status()).as(resent.rawBody()).isEqualTo(200);
            assertThat(topic.awaitRecord(resent.requestId()).value().getAuthenticatedCampaignId())
                    .isEqualTo("signed");
            assertThat(replayed.status()).as(replayed.rawBody()).isEqualTo(401);
            assertThat(replayed.field("message")).contains("replay");
        }
    }
}

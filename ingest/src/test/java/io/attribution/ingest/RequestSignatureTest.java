package io.attribution.ingest;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** A signature is used once its postback is stored, not before. */
class RequestSignatureTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final String SECRET = "hmac-key-1";
    private static final String QUERY = "click_id=c1&campaign_id=signed";

    private final RequestSignature signatures = new RequestSignature(Duration.ofMinutes(5),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aSignatureWhosePostbackWasNotStoredMayBeSentAgain() {
        RequestSignature.Check first = verify();
        assertThat(first.problem()).isNull();

        first.claim().settle(false);

        assertThat(verify().problem()).as("resent after a 503").isNull();
    }

    @Test
    void aSignatureWhosePostbackWasStoredIsAReplay() {
        verify().claim().settle(true);

        RequestSignature.Check replayed = verify();

        assertThat(replayed.inFlight()).isFalse();
        assertThat(replayed.problem()).contains("replay");
    }

    @Test
    void whileAPostbackIsBeingStoredTheSameSignatureWaitsForItsFate() {
        RequestSignature.Check first = verify();

        RequestSignature.Check meanwhile = verify();
        first.claim().settle(false);
        RequestSignature.Check afterTheFailure = verify();

        assertThat(meanwhile.inFlight()).as("neither good nor a replay yet").isTrue();
        assertThat(meanwhile.problem()).contains("being stored");
        assertThat(afterTheFailure.problem()).isNull();
    }

    private RequestSignature.Check verify() {
        String timestamp = Long.toString(NOW.getEpochSecond());
        return signatures.verify(SECRET, "GET", "/postback", QUERY, new byte[0], timestamp,
                "sha256=" + RequestSignature.sign(SECRET, timestamp, "GET", "/postback", QUERY, new byte[0]));
    }
}

package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What is kept until the registry confirms the id it was written under, and what is written again. */
class UnconfirmedRecordsTest {

    private final List<String> rewritten = new ArrayList<>();
    private final UnconfirmedRecords<RawPostback> unconfirmed = new UnconfirmedRecords<>("postbacks", 3);

    UnconfirmedRecordsTest() {
        unconfirmed.rewriteWith(postback -> rewritten.add(postback.getRequestId()));
    }

    @Test
    void aConfirmationOfTheSameIdReleasesWhatWasStoredBeforeTheCheckBegan() {
        unconfirmed.stored(postback("early"), 7, 100);
        unconfirmed.stored(postback("during"), 7, 250);

        unconfirmed.confirmed(7, 200);

        assertThat(rewritten).isEmpty();
        assertThat(unconfirmed.size()).as("stored while the check ran: the next check tells").isEqualTo(1);
        unconfirmed.confirmed(7, 300);
        assertThat(unconfirmed.size()).isZero();
    }

    @Test
    void whatWasStoredUnderAnIdTheRegistryNoLongerHoldsIsWrittenAgain() {
        unconfirmed.stored(postback("before-the-loss"), 7, 100);
        unconfirmed.stored(postback("failed-rewrite"), UnconfirmedRecords.NO_ID, 110);
        unconfirmed.stored(postback("after-the-check-began"), 7, 400);

        unconfirmed.confirmed(9, 300);

        assertThat(rewritten).containsExactly("before-the-loss", "failed-rewrite");
        assertThat(unconfirmed.size()).isEqualTo(1);
    }

    @Test
    void fullWhenTheRegistryHasConfirmedNothingForThatLong() {
        for (int i = 0; i < 3; i++) {
            assertThat(unconfirmed.hasRoom()).isTrue();
            unconfirmed.stored(postback("p-" + i), 7, i);
        }
        assertThat(unconfirmed.hasRoom()).isFalse();
        unconfirmed.confirmed(7, 10);
        assertThat(unconfirmed.hasRoom()).isTrue();
    }

    private static RawPostback postback(String requestId) {
        return RawPostback.newBuilder().setRequestId(requestId).setReceivedAt(Instant.EPOCH).setClickId("c")
                .setMethod("GET").setQueryParams(Map.of("click_id", List.of("c"))).setBodyParams(Map.of())
                .setRemoteAddr("203.0.113.1").build();
    }
}

package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One bad timestamp must not wipe state: windowed stores forget everything older than their
 * newest entry minus the retention, so event times are checked where records enter.
 */
class EventTimeBoundsTest {

    private static final Instant YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z");
    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.50", "2.00");

    private TopologyHarness topology;

    private void start(Duration grace) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(grace), NOW);
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void aClickDatedInTheFutureGoesToTheDeadLetterTopicAndNothingIsForgotten() {
        start(Duration.ZERO);
        topology.click(click("c1", "camp-1", NOW.minusSeconds(60)));
        RawPostback first = postback("c1", NOW, "txn_id", "o1");
        topology.postback(first);

        topology.click(click("far", "camp-1", YEAR_2100), NOW);
        topology.click(click("c2", "camp-1", NOW.plusSeconds(1)));
        RawPostback second = postback("c2", NOW.plusSeconds(2), "txn_id", "o2");
        RawPostback third = postback("c1", NOW.plusSeconds(3), "txn_id", "o3");
        RawPostback resend = postback("c1", NOW.plusSeconds(4), "txn_id", "o1");
        topology.postback(second);
        topology.postback(third);
        topology.postback(resend);

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getRequestId)
                .containsExactly(first.getRequestId(), second.getRequestId(), third.getRequestId());
        RejectedPostback duplicate = topology.rejected.readValue();
        assertThat(duplicate.getRequestId()).isEqualTo(resend.getRequestId());
        assertThat(duplicate.getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
        TestRecord<byte[], byte[]> deadLetter = onlyDeadLetter();
        assertThat(new String(deadLetter.key(), StandardCharsets.UTF_8)).isEqualTo("far");
        assertThat(header(deadLetter, "__streams.errors.topic")).isEqualTo("clicks");
        assertThat(header(deadLetter, "__streams.errors.message"))
                .isEqualTo("clicked_at 2100-01-01T00:00:00Z is more than PT5M ahead of its record time "
                        + "2026-11-25T12:00:00Z");
    }

    @Test
    void aClickWithinTheSkewIsKept() {
        start(Duration.ZERO);
        topology.click(click("c1", "camp-1", NOW.plus(Duration.ofMinutes(4))), NOW);
        topology.postback(postback("c1", NOW.plus(Duration.ofMinutes(4)), "txn_id", "o1"));

        assertThat(topology.attributed.readValuesToList()).hasSize(1);
        assertThat(topology.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aPostbackReceivedInTheFutureIsDeadLetteredAndLaterOnesStillDeduplicate() {
        start(Duration.ZERO);
        topology.click(click("c1", "camp-1", NOW.minusSeconds(60)));
        RawPostback first = postback("c1", NOW, "txn_id", "o1");
        topology.postback(first);

        topology.postback(postback("c1", YEAR_2100, "txn_id", "o-future"), NOW);
        RawPostback resend = postback("c1", NOW.plusSeconds(1), "txn_id", "o1");
        topology.postback(resend);

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getRequestId)
                .containsExactly(first.getRequestId());
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
        TestRecord<byte[], byte[]> deadLetter = onlyDeadLetter();
        assertThat(header(deadLetter, "__streams.errors.topic")).isEqualTo("postbacks.raw");
        assertThat(header(deadLetter, "__streams.errors.message")).startsWith(
                "received_at 2100-01-01T00:00:00Z is more than PT5M ahead of");
    }

    @Test
    void aClickOlderThanTheRetentionIsDeadLettered() {
        start(Duration.ZERO);
        Instant tooOld = NOW.minus(AttributionSettings.DEFAULT_CLICK_RETENTION).minusSeconds(1);
        topology.click(click("old", "camp-1", tooOld), NOW);

        assertThat(header(onlyDeadLetter(), "__streams.errors.message"))
                .isEqualTo("clicked_at " + tooOld + " is older than the retention of 60 days before its record time "
                        + NOW);
    }

    @Test
    void aRecordStampedInTheFutureDoesNotEndGrace() {
        Duration grace = Duration.ofMinutes(2);
        start(grace);
        RawPostback early = postback("late", NOW);
        topology.postback(early);

        // A valid click, but its producer stamped the record in 2100: stream time must not follow.
        topology.click(click("unrelated", "camp-1", NOW), YEAR_2100);
        topology.advanceWallClock(Duration.ofSeconds(3));
        assertThat(topology.rejected.isEmpty()).as("grace of %s has not ended", grace).isTrue();

        topology.click(click("late", "camp-1", NOW.plusSeconds(30)));
        assertThat(topology.attributed.readValue().getRequestId()).isEqualTo(early.getRequestId());
        assertThat(topology.deadLetters.isEmpty()).isTrue();
    }

    private TestRecord<byte[], byte[]> onlyDeadLetter() {
        List<TestRecord<byte[], byte[]>> deadLetters = topology.deadLetters.readRecordsToList();
        assertThat(deadLetters).hasSize(1);
        return deadLetters.get(0);
    }

    private static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

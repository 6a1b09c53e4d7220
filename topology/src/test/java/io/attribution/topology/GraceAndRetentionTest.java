package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/** Trackers race: a postback may come before its click; clicks do not stay forever. */
class GraceAndRetentionTest {

    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RETENTION = Duration.ofDays(40);
    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.50", "2.00");

    private TopologyHarness topology;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(new AttributionSettings(GRACE, CHECK_INTERVAL, RETENTION,
                AttributionSettings.DEFAULT_MAX_EVENT_TIME_SKEW, 1), NOW);
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install").build());
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void postbackBeforeItsClickIsAttributedWhenTheClickArrivesWithinGrace() {
        RawPostback early = postback("late-click", NOW);
        topology.postback(early);
        topology.advanceWallClock(GRACE.minusSeconds(5));
        assertThat(topology.attributed.isEmpty()).isTrue();
        assertThat(topology.rejected.isEmpty()).isTrue();

        topology.click(click("late-click", "camp-1", NOW.plus(GRACE).minusSeconds(5)));

        AttributedConversion conversion = topology.attributed.readValue();
        assertThat(conversion.getRequestId()).isEqualTo(early.getRequestId());
        assertThat(conversion.getClickId()).isEqualTo("late-click");
        topology.advanceWallClock(GRACE);
        assertThat(topology.rejected.isEmpty()).as("a released postback is not also rejected").isTrue();
    }

    @Test
    void postbacksWaitingForOneClickAreAllReleasedInOrder() {
        RawPostback first = postback("late-click", NOW, "txn_id", "t1");
        RawPostback second = postback("late-click", NOW.plusSeconds(1), "txn_id", "t2");
        topology.postback(second);
        topology.postback(first);

        topology.click(click("late-click", "camp-1", NOW.plusSeconds(30)));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getRequestId)
                .containsExactly(first.getRequestId(), second.getRequestId());
    }

    @Test
    void noClickWithinGraceIsUnknownClickEvenOnAPartitionWithNoMoreTraffic() {
        RawPostback orphan = postback("never-clicked", NOW);
        topology.postback(orphan);

        topology.advanceWallClock(GRACE.minusSeconds(2));
        assertThat(topology.rejected.isEmpty()).as("still within grace").isTrue();

        // Nothing else arrives: only the wall clock moves.
        topology.advanceWallClock(CHECK_INTERVAL.multipliedBy(3));
        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.UNKNOWN_CLICK);
        assertThat(rejection.getRequestId()).isEqualTo(orphan.getRequestId());
        assertThat(rejection.getRejectedAt()).isEqualTo(NOW.plus(GRACE));
        assertThat(rejection.getPostback()).isEqualTo(orphan);

        topology.click(click("never-clicked", "camp-1", NOW.plus(GRACE).plusSeconds(5)));
        assertThat(topology.attributed.isEmpty()).as("a rejected postback is not attributed later").isTrue();
    }

    @Test
    void aGraceCheckReadsOnlyThePostbacksWhoseGraceEnded() {
        List<RawPostback> waiting = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waiting.add(postback("unknown-click-" + (100 - i), NOW.plusMillis(i)));
        }
        waiting.forEach(topology::postback);
        long decodedBefore = topology.serdes.decoded(RawPostback.class);

        topology.advanceWallClock(GRACE.minusSeconds(5));
        assertThat(topology.rejected.isEmpty()).as("still within grace").isTrue();
        assertThat(topology.serdes.decoded(RawPostback.class)).as("postbacks read by the grace checks")
                .isEqualTo(decodedBefore);

        topology.advanceWallClock(CHECK_INTERVAL.multipliedBy(10));
        assertThat(topology.rejected.readValuesToList()).extracting(RejectedPostback::getRequestId)
                .as("each rejected once, in the order their grace ended")
                .containsExactlyElementsOf(waiting.stream().map(RawPostback::getRequestId).toList());
    }

    @Test
    void postbacksKeptByAReleaseWithoutTheTimeIndexStillEndTheirGrace() {
        // What a release that kept no time index leaves in the store: the postback, and nothing else.
        RawPostback keptByTheLastRelease = postback("clicked-never", NOW);
        KeyValueStore<String, RawPostback> pending = topology.driver.getKeyValueStore(StoreNames.PENDING_POSTBACKS);
        pending.put(QueryStores.pendingKey("clicked-never", keptByTheLastRelease.getRequestId()), keptByTheLastRelease);
        RawPostback heldSinceTheUpgrade = postback("clicked-never-either", NOW.plusSeconds(1));
        topology.postback(heldSinceTheUpgrade);

        topology.advanceWallClock(GRACE);
        topology.advanceWallClock(CHECK_INTERVAL.multipliedBy(10));

        assertThat(topology.rejected.readValuesToList()).extracting(RejectedPostback::getRequestId)
                .containsExactly(keptByTheLastRelease.getRequestId(), heldSinceTheUpgrade.getRequestId());
        try (KeyValueIterator<String, RawPostback> left = pending.all()) {
            assertThat(left.hasNext()).isFalse();
        }
    }

    @Test
    void afterAnOutageTheBacklogOfClicksIsReadBeforeWaitingPostbacksAreGivenUp() {
        RawPostback early = postback("clicked-during-outage", NOW);
        topology.postback(early);

        // The topology was down for longer than grace: the wall clock jumps ahead, and the
        // backlog (the click arrived a minute after the postback) is only now being read.
        topology.advanceWallClock(GRACE.multipliedBy(3));
        topology.click(click("clicked-during-outage", "camp-1", NOW.plusSeconds(60)));

        assertThat(topology.attributed.readValue().getRequestId()).isEqualTo(early.getRequestId());
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void clickAfterTheAttributionWindowCannotBeUsed() {
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install").setAttributionWindowDays(1).build());
        topology.click(click("c-1", "camp-1", NOW.minus(Duration.ofDays(2))));

        topology.postback(postback("c-1", NOW));

        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.CLICK_EXPIRED);
    }

    @Test
    void clicksOlderThanTheRetentionLeaveTheStore() {
        Instant old = NOW.minus(RETENTION).minus(Duration.ofDays(3));
        topology.click(click("old-click", "camp-1", old));
        assertThat(storedClick("old-click")).isTrue();

        // Newer clicks move stream time on; segments past the retention are dropped.
        topology.click(click("new-click", "camp-1", NOW));

        assertThat(storedClick("old-click")).isFalse();
        assertThat(storedClick("new-click")).isTrue();
    }

    private boolean storedClick(String clickId) {
        ReadOnlyWindowStore<String, Click> clicks = topology.driver.getWindowStore(StoreNames.CLICKS);
        try (WindowStoreIterator<Click> found = clicks.fetch(clickId, Instant.EPOCH, NOW.plus(Duration.ofDays(1)))) {
            return found.hasNext();
        }
    }
}

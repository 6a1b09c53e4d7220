package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.ClickConversions;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PostbackFate;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.avro.StatsBucket;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The postback tester's clicks (Click.test): what they convert is test, from the click alone; it is
 * in the postback log and the lookups, marked, but in no stats and no cap; and its txn ids never meet
 * a real order's.
 */
class TestConversionsTest {

    private static final Goal LEAD_CAP_ONE = Goal.newBuilder(fixedGoal("g-lead", "lead", "3.00", "4.00"))
            .setDailyCap(1).build();

    private TopologyHarness topology;

    private void given(MultiConversionMode mode, Goal goal) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.campaign(campaign("camp-1", goal).setDefaultGoalId(goal.getGoalId()).setMultiConversion(mode).build());
        topology.click(testClick("test-click", "camp-1"));
        topology.click(click("real-click", "camp-1", NOW.minusSeconds(60)));
    }

    private static Click testClick(String clickId, String campaignId) {
        return Click.newBuilder(click(clickId, campaignId, NOW.minusSeconds(60))).setTest(true).build();
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void aTestClicksConversionIsTestInTheLogAndLookupsButInNoStats() {
        given(MultiConversionMode.ALLOW, fixedGoal("g-lead", "lead", "3.00", "4.00"));
        RawPostback test = postback("test-click", NOW, "txn_id", "t-1");
        topology.postback(test);

        AttributedConversion conversion = topology.attributed.readValue();
        assertThat(conversion.getTest()).isTrue();
        assertThat(conversion.getStatus()).isEqualTo(ConversionStatus.APPROVED);
        assertThat(fate(test.getRequestId()).getAttributed().getTest()).isTrue();
        assertThat(WindowedStores.latest(topology.driver.<String, ClickConversions>getWindowStore(
                QueryStores.CLICK_CONVERSIONS), "test-click").orElseThrow().value.getConversions())
                .singleElement().satisfies(found -> assertThat(found.getTest()).isTrue());
        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW))).isNull();
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW))).isNull();
        assertThat(stats(StatsKey.of(StatsKey.Dimension.GOAL, StatsKey.goalId("camp-1", "g-lead"), NOW))).isNull();
    }

    @Test
    void aRealClicksConversionIsNotTestWhateverThePostbackSaysAndCounts() {
        given(MultiConversionMode.ALLOW, fixedGoal("g-lead", "lead", "3.00", "4.00"));
        topology.postback(postback("test-click", NOW, "txn_id", "t-1"));
        // An advertiser cannot make a real conversion a test one (and so not pay for it) by asking.
        topology.postback(postback("real-click", NOW.plusSeconds(1), "txn_id", "o-1", "test", "true"));

        List<AttributedConversion> conversions = topology.attributed.readValuesToList();
        assertThat(conversions).extracting(AttributedConversion::getClickId, AttributedConversion::getTest)
                .containsExactly(tuple("test-click", true),
                        tuple("real-click", false));
        StatsBucket campaign = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(campaign.getPostbacksReceived()).isEqualTo(1);
        assertThat(campaign.getConversions()).containsExactly(Map.entry("APPROVED", 1L));
    }

    @Test
    void aTestClicksRejectionIsTestAndInTheLogButInNoStats() {
        given(MultiConversionMode.ONE_PER_CLICK, fixedGoal("g-lead", "lead", "3.00", "4.00"));
        topology.postback(postback("test-click", NOW));
        RawPostback again = postback("test-click", NOW.plusSeconds(1), "sub_x", "other");
        topology.postback(again);

        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
        assertThat(rejection.getTest()).isTrue();
        assertThat(fate(again.getRequestId()).getRejected().getTest()).isTrue();
        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW))).isNull();
    }

    @Test
    void aRealClicksRejectionIsNotTest() {
        given(MultiConversionMode.ONE_PER_CLICK, fixedGoal("g-lead", "lead", "3.00", "4.00"));
        topology.postback(postback("real-click", NOW));
        topology.postback(postback("real-click", NOW.plusSeconds(1), "sub_x", "other"));

        assertThat(topology.rejected.readValue().getTest()).isFalse();
        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW)).getRejections())
                .containsExactly(Map.entry("DUPLICATE_CONVERSION", 1L));
    }

    @Test
    void testConversionsTakeNoSlotOfAGoalsCapAndAreNeverCancelledByIt() {
        given(MultiConversionMode.ALLOW, LEAD_CAP_ONE);
        topology.click(testClick("test-click-2", "camp-1"));
        topology.click(click("real-click-2", "camp-1", NOW.minusSeconds(60)));
        topology.postback(postback("test-click", NOW));
        topology.postback(postback("test-click-2", NOW.plusSeconds(1)));
        topology.postback(postback("real-click", NOW.plusSeconds(2)));
        topology.postback(postback("real-click-2", NOW.plusSeconds(3)));

        List<AttributedConversion> conversions = topology.attributed.readValuesToList();
        assertThat(conversions).extracting(AttributedConversion::getClickId, AttributedConversion::getStatus)
                .containsExactlyInAnyOrder(
                        tuple("test-click", ConversionStatus.APPROVED),
                        tuple("test-click-2", ConversionStatus.APPROVED),
                        tuple("real-click", ConversionStatus.APPROVED),
                        // The real cap of one still holds among real conversions.
                        tuple("real-click-2", ConversionStatus.CANCELLED));
    }

    @Test
    void aTestTxnIdNeverMeetsARealOrderOfTheSameAdvertiser() {
        given(MultiConversionMode.UNIQUE_TXN, fixedGoal("g-lead", "lead", "3.00", "4.00"));
        // A test first must not take the real order's txn id (the real one would be a duplicate)...
        topology.postback(postback("test-click", NOW, "txn_id", "order-9"));
        topology.postback(postback("real-click", NOW.plusSeconds(1), "txn_id", "order-9"));
        // ...nor may a test postback change the real conversion's status.
        topology.postback(postback("test-click", NOW.plusSeconds(2), "txn_id", "order-9", "status", "rejected"));

        List<AttributedConversion> conversions = topology.attributed.readValuesToList();
        assertThat(conversions).extracting(AttributedConversion::getClickId, AttributedConversion::getStatus,
                AttributedConversion::getTest).containsExactly(
                tuple("test-click", ConversionStatus.APPROVED, true),
                tuple("real-click", ConversionStatus.APPROVED, false),
                tuple("test-click", ConversionStatus.REJECTED, true));
        assertThat(conversions.get(2).getConversionId()).isEqualTo(conversions.get(0).getConversionId());
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    private StatsBucket stats(String key) {
        KeyValueStore<String, StatsBucket> store = topology.driver.getKeyValueStore(QueryStores.STATS);
        return store.get(key);
    }

    private PostbackFate fate(String requestId) {
        WindowStore<String, PostbackFate> store = topology.driver.getWindowStore(QueryStores.POSTBACK_LOG);
        return WindowedStores.latest(store, requestId).orElseThrow().value;
    }
}

package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PostbackFate;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.avro.StatsBucket;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.percentGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The stores the query API reads, kept from the output topics: stats, conversion indexes, postback log. */
class QueryViewsTest {

    private static final Goal PURCHASE = percentGoal("g-purchase", "purchase", "10", "15");
    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.10", "2.20");

    private TopologyHarness topology;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.campaign(campaign("camp-1", PURCHASE, INSTALL).setDefaultGoalId("g-purchase")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());
        topology.click(click("click-1", "camp-1", NOW.minusSeconds(60)));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void statsCountPostbacksConversionsAndExactMoneyPerCampaignAffiliateAndGoalHour() {
        topology.postback(postback("click-1", NOW, "txn_id", "o-1", "sale_amount", "80.10"));
        topology.postback(postback("click-1", NOW.plusSeconds(5), "txn_id", "o-2", "sale_amount", "19.90"));
        topology.postback(postback("click-1", NOW.plusSeconds(9), "goal_value", "install"));

        StatsBucket campaign = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(campaign.getPostbacksReceived()).isEqualTo(3);
        assertThat(campaign.getConversions()).containsExactly(Map.entry("APPROVED", 3L));
        // Each conversion is rounded to the cent on its own (12.015 -> 12.02, 2.985 -> 2.99), then summed exactly.
        assertThat(campaign.getRevenue()).containsOnlyKeys("USD");
        assertThat(new BigDecimal(campaign.getRevenue().get("USD"))).isEqualByComparingTo("17.21");
        assertThat(new BigDecimal(campaign.getPayout().get("USD"))).isEqualByComparingTo("11.10");

        StatsBucket purchase = stats(StatsKey.of(StatsKey.Dimension.GOAL, StatsKey.goalId("camp-1", "g-purchase"), NOW));
        assertThat(purchase.getConversions()).containsExactly(Map.entry("APPROVED", 2L));
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW)).getPostbacksReceived()).isEqualTo(3);
    }

    @Test
    void aStatusUpdateMovesItsConversionInTheHourItWasCreatedAndCountsThePostbackWhenReceived() {
        Instant later = NOW.plus(Duration.ofDays(2));
        topology.postback(postback("click-1", NOW, "txn_id", "o-1", "sale_amount", "80", "status", "pending"));
        topology.postback(postback("click-1", later, "txn_id", "o-1", "status", "cancelled"));

        StatsBucket created = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(created.getPostbacksReceived()).isEqualTo(1);
        assertThat(created.getConversions()).containsOnly(Map.entry("PENDING", 0L), Map.entry("CANCELLED", 1L));
        assertThat(new BigDecimal(created.getRevenue().get("USD"))).isZero();
        assertThat(new BigDecimal(created.getPayout().get("USD"))).isZero();

        StatsBucket updated = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", later));
        assertThat(updated.getPostbacksReceived()).isEqualTo(1);
        assertThat(updated.getConversions()).isEmpty();
    }

    @Test
    void theConversionsOfAClickAndOfATxnIdAreKeptAtTheirLatestStatus() {
        RawPostback sale = postback("click-1", NOW, "txn_id", "o-1", "sale_amount", "80", "status", "pending");
        topology.postback(sale);
        topology.postback(postback("click-1", NOW.plusSeconds(60), "txn_id", "o-1", "status", "approved"));
        topology.postback(postback("click-1", NOW.plusSeconds(90), "goal_value", "install"));

        List<AttributedConversion> ofClick = latest(QueryStores.CLICK_CONVERSIONS, "click-1").getConversions();
        assertThat(ofClick).extracting(AttributedConversion::getGoalId, AttributedConversion::getStatus)
                .containsExactlyInAnyOrder(tuple("g-purchase", ConversionStatus.APPROVED),
                        tuple("g-install", ConversionStatus.APPROVED));
        ClickConversions ofTxn = latest(QueryStores.TXN_CONVERSIONS, "o-1");
        assertThat(ofTxn.getConversions()).singleElement().satisfies(conversion -> {
            assertThat(conversion.getConversionId()).isEqualTo(sale.getRequestId());
            assertThat(conversion.getPreviousStatus()).isEqualTo(ConversionStatus.PENDING);
        });
        assertThat(ofTxn.getCreatedAt()).containsExactly(Map.entry(sale.getRequestId(), NOW.toEpochMilli()));
    }

    @Test
    void aClickIdSentAgainWithAnotherClickTimeGetsASecondFilingAndAnUpdateStaysWithItsConversion() {
        Instant firstClick = NOW.minusSeconds(60);
        Instant secondClick = NOW.plusSeconds(30);
        RawPostback first = postback("click-1", NOW, "txn_id", "o-1", "sale_amount", "80", "status", "pending");
        topology.postback(first);
        topology.click(click("click-1", "camp-1", secondClick));
        RawPostback second = postback("click-1", NOW.plusSeconds(60), "txn_id", "o-2", "sale_amount", "20");
        topology.postback(second);
        topology.postback(postback("click-1", NOW.plus(Duration.ofDays(2)), "txn_id", "o-1", "status", "cancelled"));

        // The second click's conversion is filed at its click time, not looked for under the first.
        List<KeyValue<Long, ClickConversions>> filings = filings(QueryStores.CLICK_CONVERSIONS, "click-1");
        assertThat(filings).extracting(filing -> filing.key)
                .containsExactly(firstClick.toEpochMilli(), secondClick.toEpochMilli());
        assertThat(filings.get(0).value.getConversions())
                .extracting(AttributedConversion::getConversionId, AttributedConversion::getStatus)
                .containsExactly(tuple(first.getRequestId(), ConversionStatus.CANCELLED));
        assertThat(filings.get(1).value.getConversions())
                .extracting(AttributedConversion::getConversionId, AttributedConversion::getStatus)
                .containsExactly(tuple(second.getRequestId(), ConversionStatus.APPROVED));
        // The update found its conversion's creation time: it moved it in the hour it was created.
        StatsBucket created = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(created.getConversions()).containsOnly(Map.entry("PENDING", 0L), Map.entry("CANCELLED", 1L),
                Map.entry("APPROVED", 1L));
        assertThat(filings(QueryStores.TXN_CONVERSIONS, "o-1")).singleElement()
                .satisfies(filing -> assertThat(filing.key).isEqualTo(NOW.toEpochMilli()));
    }

    @Test
    void anUpdateOfAConversionFiledUnderAnotherClickTimeIsFoundWhereItIsAndKeepsItsCreationHour() {
        Instant firstClick = NOW.minusSeconds(60);
        Instant secondClick = NOW.plusSeconds(30);
        RawPostback first = postback("click-1", NOW, "txn_id", "o-1", "sale_amount", "80");
        topology.postback(first);
        topology.click(click("click-1", "camp-1", secondClick));
        RawPostback second = postback("click-1", NOW.plusSeconds(60), "txn_id", "o-2", "sale_amount", "20",
                "status", "pending");
        topology.postback(second);
        // As an index written before new conversions were filed at their own click time holds them:
        // both under the first click's time.
        WindowStore<String, ClickConversions> store = topology.driver.getWindowStore(QueryStores.CLICK_CONVERSIONS);
        List<KeyValue<Long, ClickConversions>> filings = filings(QueryStores.CLICK_CONVERSIONS, "click-1");
        List<AttributedConversion> together = new ArrayList<>(filings.get(0).value.getConversions());
        together.addAll(filings.get(1).value.getConversions());
        Map<String, Long> createdAt = new HashMap<>(filings.get(0).value.getCreatedAt());
        createdAt.putAll(filings.get(1).value.getCreatedAt());
        store.put("click-1", new ClickConversions(together, createdAt, false), firstClick.toEpochMilli());
        store.put("click-1", null, secondClick.toEpochMilli());

        topology.postback(postback("click-1", NOW.plus(Duration.ofDays(2)), "txn_id", "o-2", "status", "approved"));

        assertThat(filings(QueryStores.CLICK_CONVERSIONS, "click-1")).singleElement().satisfies(filing -> {
            assertThat(filing.key).isEqualTo(firstClick.toEpochMilli());
            assertThat(filing.value.getConversions())
                    .extracting(AttributedConversion::getConversionId, AttributedConversion::getStatus)
                    .containsExactly(tuple(first.getRequestId(), ConversionStatus.APPROVED),
                            tuple(second.getRequestId(), ConversionStatus.APPROVED));
        });
        StatsBucket created = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(created.getConversions()).containsOnly(Map.entry("PENDING", 0L), Map.entry("APPROVED", 2L));
    }

    @Test
    void thePostbackLogHoldsTheFateOfEveryDecidedPostback() {
        RawPostback attributed = postback("click-1", NOW, "sale_amount", "10");
        RawPostback duplicate = postback("click-1", NOW.plusSeconds(1), "sale_amount", "10");
        RawPostback unknown = postback("no-such-click", NOW.plusSeconds(2), "campaign_id", "camp-1");
        topology.postback(attributed);
        topology.postback(duplicate);
        topology.postback(unknown);
        topology.advanceWallClock(Duration.ofSeconds(5));

        assertThat(fate(attributed.getRequestId()).getAttributed().getClickId()).isEqualTo("click-1");
        assertThat(fate(duplicate.getRequestId()).getRejected().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
        PostbackFate unknownFate = fate(unknown.getRequestId());
        assertThat(unknownFate.getRejected().getReason()).isEqualTo(RejectionReason.UNKNOWN_CLICK);
        assertThat(unknownFate.getAttributed()).isNull();
    }

    @Test
    void recentRejectionsOfACampaignIncludeThoseWhoseClickIsUnknownButNameTheCampaign() {
        topology.postback(postback("click-1", NOW, "sale_amount", "10"));
        topology.postback(postback("click-1", NOW, "sale_amount", "10"));
        topology.postback(postback("click-1", NOW, "goal_value", "no-such-goal"));
        topology.postback(postback("ghost", NOW, "campaign_id", "camp-1"));
        topology.advanceWallClock(Duration.ofSeconds(5));

        WindowStore<String, RejectedPostback> recent = topology.driver.getWindowStore(QueryStores.RECENT_REJECTIONS);
        List<RejectedPostback> rejections = new ArrayList<>();
        try (WindowStoreIterator<RejectedPostback> values = recent.fetch("camp-1", Instant.EPOCH, NOW.plusSeconds(60))) {
            values.forEachRemaining(entry -> rejections.add(entry.value));
        }
        // Three in the same millisecond: a window store with duplicates keeps each one.
        assertThat(rejections).extracting(RejectedPostback::getReason).containsExactlyInAnyOrder(
                RejectionReason.DUPLICATE_CONVERSION, RejectionReason.UNKNOWN_GOAL, RejectionReason.UNKNOWN_CLICK);
        assertThat(rejections).filteredOn(r -> r.getReason() == RejectionReason.UNKNOWN_GOAL)
                .singleElement().extracting(RejectedPostback::getAffiliateId).isEqualTo("aff-7");

        StatsBucket campaign = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        // The unknown click names its campaign but has no click: it counts nowhere but the log.
        assertThat(campaign.getPostbacksReceived()).isEqualTo(3);
        assertThat(campaign.getRejections()).containsOnly(Map.entry("DUPLICATE_CONVERSION", 1L),
                Map.entry("UNKNOWN_GOAL", 1L));
    }

    @Test
    void anEdgeRefusalCountsInTheStatsOfTheCampaignItNamesAndIsInItsPostbackLog() {
        RawPostback refused = postback("click-1", NOW, "campaign_id", "camp-1");
        refused.setEdgeRejection(RejectionReason.INVALID_TOKEN);
        topology.postback(refused);

        StatsBucket campaign = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(campaign.getPostbacksReceived()).isEqualTo(1);
        assertThat(campaign.getRejections()).containsExactly(Map.entry("INVALID_TOKEN", 1L));
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW)).getRejections())
                .containsExactly(Map.entry("INVALID_TOKEN", 1L));
        assertThat(fate(refused.getRequestId()).getRejected().getCampaignId()).isEqualTo("camp-1");
    }

    @Test
    void aRequestRefusedAtTheEdgeWithoutClickIdOrWithAMalformedCampaignIdIsInThePostbackLog() {
        RawPostback noClick = postback("", NOW);
        noClick.getQueryParams().remove("click_id");
        noClick.setEdgeRejection(RejectionReason.MISSING_CLICK_ID);
        RawPostback badCampaign = postback("click-1", NOW, "campaign_id", "x".repeat(1_000), "sale_amount", "abc");
        badCampaign.setEdgeRejection(RejectionReason.MALFORMED);
        topology.postback(noClick);
        topology.postback(badCampaign);

        assertThat(fate(noClick.getRequestId()).getRejected().getReason()).isEqualTo(RejectionReason.MISSING_CLICK_ID);
        assertThat(fate(badCampaign.getRequestId()).getRejected().getReason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(topology.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void statsKeysOfOneSubjectSortInTimeOrderSoARangeScanReadsAnHourRange() {
        for (int hour = 0; hour < 30; hour++) {
            topology.postback(postback("click-1", NOW.plus(Duration.ofHours(hour)), "txn_id", "o-" + hour,
                    "sale_amount", "1"));
        }
        KeyValueStore<String, StatsBucket> store = topology.driver.getKeyValueStore(QueryStores.STATS);
        List<Instant> hours = new ArrayList<>();
        try (KeyValueIterator<String, StatsBucket> range = store.range(
                StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW.plus(Duration.ofHours(5))),
                StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW.plus(Duration.ofHours(12))))) {
            range.forEachRemaining(entry -> hours.add(StatsKey.hourOf(entry.key)));
        }
        assertThat(hours).hasSize(8).isSorted().first().isEqualTo(NOW.plus(Duration.ofHours(5)));
    }

    @Test
    void theStatsStoreIsCachedSoTheBucketsOfOneHourAreWrittenOncePerCommitNotOncePerPostback() {
        StateStore layer = topology.driver.<String, StatsBucket>getKeyValueStore(QueryStores.STATS);
        boolean cached = false;
        while (layer instanceof WrappedStateStore<?, ?, ?> wrapper) {
            cached |= wrapper instanceof CachingKeyValueStore;
            layer = wrapper.wrapped();
        }
        assertThat(cached).as("a record cache between the stats processors and RocksDB").isTrue();
    }

    private StatsBucket stats(String key) {
        KeyValueStore<String, StatsBucket> store = topology.driver.getKeyValueStore(QueryStores.STATS);
        StatsBucket bucket = store.get(key);
        assertThat(bucket).as("stats under %s", key.replace('\u0000', '/')).isNotNull();
        return bucket;
    }

    private ClickConversions latest(String storeName, String key) {
        WindowStore<String, ClickConversions> store = topology.driver.getWindowStore(storeName);
        KeyValue<Long, ClickConversions> entry = WindowedStores.latest(store, key).orElseThrow();
        return entry.value;
    }

    private List<KeyValue<Long, ClickConversions>> filings(String storeName, String key) {
        WindowStore<String, ClickConversions> store = topology.driver.getWindowStore(storeName);
        List<KeyValue<Long, ClickConversions>> filings = new ArrayList<>();
        try (WindowStoreIterator<ClickConversions> oldestFirst = store.fetch(key, 0L, Long.MAX_VALUE)) {
            oldestFirst.forEachRemaining(filings::add);
        }
        return filings;
    }

    private PostbackFate fate(String requestId) {
        WindowStore<String, PostbackFate> store = topology.driver.getWindowStore(QueryStores.POSTBACK_LOG);
        return WindowedStores.latest(store, requestId).orElseThrow().value;
    }
}

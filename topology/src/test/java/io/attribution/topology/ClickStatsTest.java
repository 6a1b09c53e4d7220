package io.attribution.topology;

import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.StatsBucket;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clicks in the views application: counted per campaign and affiliate hour (never per goal), per
 * sub1 and UTC day with the conversions of those clicks, bounded against hostile sub1 values, and
 * hostile clicks (unreadable, clocks years off) skipped without a second dead letter or a stop.
 */
class ClickStatsTest {

    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.10", "2.20");
    private static final long TODAY = Sub1Key.daysSinceEpoch(NOW);

    private ViewsHarness views;

    @BeforeEach
    void start() {
        views = new ViewsHarness(AttributionSettings.defaults(), NOW);
    }

    @AfterEach
    void stop() {
        views.close();
    }

    @Test
    void clicksCountInTheHourOfTheirCampaignAndAffiliateAndUnderNoGoal() {
        views.click(click("c-1", "camp-1", "aff-7", NOW, "banner-a"));
        views.click(click("c-2", "camp-1", "aff-7", NOW.plus(Duration.ofMinutes(30)), "banner-a"));
        views.click(click("c-3", "camp-1", "aff-8", NOW.plus(Duration.ofMinutes(70)), null));

        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW)).getClicks()).isEqualTo(2);
        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW.plus(Duration.ofMinutes(70))))
                .getClicks()).isEqualTo(1);
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW)).getClicks()).isEqualTo(2);
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-8", NOW.plus(Duration.ofMinutes(70))))
                .getClicks()).isEqualTo(1);
        StatsBucket campaignHour = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(campaignHour.getPostbacksReceived()).as("a click is no postback").isZero();
        assertThat(campaignHour.getConversions()).isEmpty();
        assertThat(allStats().keySet()).as("campaign and affiliate hours only: a click has no goal")
                .allMatch(key -> key.startsWith("campaign\u0000") || key.startsWith("affiliate\u0000"))
                .hasSize(4);
    }

    @Test
    void theTestersClicksAreNotCounted() {
        views.click(click("c-real", "camp-1", "aff-7", NOW, "banner-a"));
        views.click(Click.newBuilder(click("c-test", "camp-1", "aff-7", NOW, "banner-a")).setTest(true).build());

        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW)).getClicks()).isEqualTo(1);
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW)).getClicks()).isEqualTo(1);
    }

    @Test
    void aSub1CountsItsClicksAndTheConversionsOfThoseClicksInTheirDay() {
        AttributionSettings settings = AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO);
        try (TopologyHarness decisions = TopologyHarness.decisionsOnly(settings, NOW)) {
            decisions.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install").build());
            List<Click> clicks = List.of(click("c-1", "camp-1", "aff-7", NOW, "banner-a"),
                    click("c-2", "camp-1", "aff-7", NOW.plusSeconds(1), "banner-a"),
                    click("c-3", "camp-1", "aff-7", NOW.plusSeconds(2), "banner-b"),
                    click("c-4", "camp-1", "aff-7", NOW.plusSeconds(3), null));
            for (Click click : clicks) {
                decisions.click(click);
                views.click(click);
            }
            decisions.postback(postback("c-1", NOW.plusSeconds(60), "txn_id", "o-1", "status", "pending"));
            decisions.postback(postback("c-1", NOW.plusSeconds(120), "txn_id", "o-1", "status", "approved"));
            decisions.postback(postback("c-4", NOW.plusSeconds(180)));
            views.follow(decisions);
        }

        StatsBucket bannerA = sub1(Sub1Key.ofValue("camp-1", "aff-7", TODAY, "banner-a"));
        assertThat(bannerA.getClicks()).isEqualTo(2);
        assertThat(bannerA.getConversions()).as("the update moved the conversion to APPROVED")
                .containsEntry("APPROVED", 1L).containsEntry("PENDING", 0L);
        assertThat(bannerA.getPayout()).containsEntry("USD", "1.100000");
        assertThat(bannerA.getPostbacksReceived()).as("the breakdown counts no postbacks").isZero();
        assertThat(sub1(Sub1Key.ofValue("camp-1", "aff-7", TODAY, "banner-b")).getConversions()).isEmpty();
        StatsBucket none = sub1(Sub1Key.of("camp-1", "aff-7", TODAY, Sub1Key.Kind.NONE));
        assertThat(none.getClicks()).isEqualTo(1);
        assertThat(none.getConversions()).containsEntry("APPROVED", 1L);
        assertThat(valuesFiled("camp-1", "aff-7", TODAY)).as("banner-a and banner-b; no sub1 takes no place")
                .isEqualTo(2);

        // The campaign hour has the clicks and the conversion money side by side, for CR and EPC.
        StatsBucket campaignHour = stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW));
        assertThat(campaignHour.getClicks()).isEqualTo(4);
        assertThat(campaignHour.getConversions()).containsEntry("APPROVED", 2L);
    }

    @Test
    void aDayFilesAtMostItsCapOfSub1ValuesAndCountsTheRestTogether() {
        int cap = Sub1Stats.MAX_VALUES_PER_DAY;
        for (int i = 0; i < cap + 5; i++) {
            views.click(click("c-" + i, "camp-1", "aff-7", NOW, "value-" + i));
        }
        // Values filed before the cap was reached keep counting by name, however hot.
        for (int i = 0; i < 50; i++) {
            views.click(click("hot-" + i, "camp-1", "aff-7", NOW, "value-0"));
        }
        // The next day files new values again.
        views.click(click("tomorrow", "camp-1", "aff-7", NOW.plus(Duration.ofDays(1)), "value-new"));
        // A value is counted under its first 100 characters.
        String longValue = "x".repeat(5_000);
        views.click(click("long", "camp-1", "aff-9", NOW, longValue));

        Map<String, StatsBucket> today = sub1Day("camp-1", "aff-7", TODAY);
        assertThat(today).hasSize(cap + 1);
        assertThat(today.get(Sub1Key.of("camp-1", "aff-7", TODAY, Sub1Key.Kind.OTHER)).getClicks()).isEqualTo(5);
        assertThat(today.get(Sub1Key.ofValue("camp-1", "aff-7", TODAY, "value-0")).getClicks()).isEqualTo(51);
        assertThat(valuesFiled("camp-1", "aff-7", TODAY)).isEqualTo(cap);
        assertThat(sub1(Sub1Key.ofValue("camp-1", "aff-7", TODAY + 1, "value-new")).getClicks()).isEqualTo(1);
        assertThat(sub1(Sub1Key.ofValue("camp-1", "aff-9", TODAY, longValue.substring(0, Sub1Stats.MAX_VALUE_LENGTH)))
                .getClicks()).isEqualTo(1);
        // The campaign's stats count every click, named or not.
        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW)).getClicks()).isEqualTo(cap + 55 + 1);
    }

    @Test
    void hostileClicksAreSkippedAsTheDecisionsRefuseThemAndTheViewsGoOn() {
        // Unreadable bytes, a tombstone, a clock years ahead, and one past the click retention.
        views.clickBytes("garbage", "not avro at all".getBytes(StandardCharsets.UTF_8), NOW);
        views.clickBytes("empty", null, NOW);
        views.click(click("future", "camp-1", "aff-7", NOW.plus(Duration.ofDays(5 * 365)), "banner-a"), NOW);
        views.click(click("ancient", "camp-1", "aff-7", NOW.minus(Duration.ofDays(3 * 365)), "banner-a"), NOW);
        // A campaign nobody knows counts under its id, as the decisions store its click.
        views.click(click("stranger", "no-such-campaign", "aff-7", NOW, "banner-a"));
        views.click(click("good", "camp-1", "aff-7", NOW, "banner-a"));

        assertThat(allStats()).containsOnlyKeys(
                StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW),
                StatsKey.of(StatsKey.Dimension.CAMPAIGN, "no-such-campaign", NOW),
                StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW));
        assertThat(stats(StatsKey.of(StatsKey.Dimension.CAMPAIGN, "camp-1", NOW)).getClicks()).isEqualTo(1);
        assertThat(stats(StatsKey.of(StatsKey.Dimension.AFFILIATE, "aff-7", NOW)).getClicks()).isEqualTo(2);
        assertThat(views.deadLetters.isEmpty()).as("the decisions dead-letter these; the views send none again")
                .isTrue();
    }

    @Test
    void theSub1StoresAreCachedSoAHotValueIsWrittenOncePerCommitNotOncePerClick() {
        for (String name : List.of(QueryStores.SUB1_STATS, QueryStores.SUB1_COUNTS, QueryStores.STATS)) {
            StateStore layer = views.driver.getKeyValueStore(name);
            boolean cached = false;
            while (layer instanceof WrappedStateStore<?, ?, ?> wrapper) {
                cached |= wrapper instanceof CachingKeyValueStore;
                layer = wrapper.wrapped();
            }
            assertThat(cached).as("a record cache in front of %s", name).isTrue();
        }
    }

    @Test
    void sub1KeysOfADaySortTogetherAndReadBack() {
        String value = Sub1Key.ofValue("camp-1", "aff-7", TODAY, "we\u0000ird/value");
        assertThat(Sub1Key.parse(value)).isEqualTo(new Sub1Key.Entry(TODAY, Sub1Key.Kind.VALUE, "we\u0000ird/value"));
        assertThat(Sub1Key.parse(Sub1Key.of("camp-1", "aff-7", TODAY, Sub1Key.Kind.OTHER)))
                .isEqualTo(new Sub1Key.Entry(TODAY, Sub1Key.Kind.OTHER, null));
        String lower = Sub1Key.lowerBound("camp-1", "aff-7", TODAY);
        String upper = Sub1Key.upperBound("camp-1", "aff-7", TODAY);
        for (String key : List.of(value, Sub1Key.of("camp-1", "aff-7", TODAY, Sub1Key.Kind.NONE),
                Sub1Key.of("camp-1", "aff-7", TODAY, Sub1Key.Kind.OTHER),
                Sub1Key.ofValue("camp-1", "aff-7", TODAY, "\uFFFF\uD83D\uDE00"))) {
            assertThat(utf8(key)).as("in the day's range").isGreaterThanOrEqualTo(utf8(lower)).isLessThanOrEqualTo(utf8(upper));
        }
        for (String key : List.of(Sub1Key.ofValue("camp-1", "aff-7", TODAY + 1, "a"),
                Sub1Key.ofValue("camp-1", "aff-7", TODAY - 1, "zzz"),
                Sub1Key.day("camp-1", "aff-7", TODAY))) {
            assertThat(utf8(key).compareTo(utf8(lower)) < 0 || utf8(key).compareTo(utf8(upper)) > 0)
                    .as("%s outside the day's range", key.replace('\u0000', '/')).isTrue();
        }
        assertThat(Sub1Key.dayStart(TODAY)).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
    }

    /** RocksDB orders string keys by their UTF-8 bytes, unsigned; as a Latin-1 string they compare alike. */
    private static String utf8(String key) {
        return new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static Click click(String clickId, String campaignId, String affiliateId, Instant at, String sub1) {
        return Click.newBuilder().setClickId(clickId).setCampaignId(campaignId).setAffiliateId(affiliateId)
                .setClickedAt(at).setSubs(sub1 == null ? Map.of() : Map.of("sub1", sub1)).build();
    }

    private StatsBucket stats(String key) {
        StatsBucket bucket = views.driver.<String, StatsBucket>getKeyValueStore(QueryStores.STATS).get(key);
        assertThat(bucket).as("stats under %s", key.replace('\u0000', '/')).isNotNull();
        return bucket;
    }

    private Map<String, StatsBucket> allStats() {
        Map<String, StatsBucket> all = new TreeMap<>();
        try (KeyValueIterator<String, StatsBucket> entries =
                     views.driver.<String, StatsBucket>getKeyValueStore(QueryStores.STATS).all()) {
            entries.forEachRemaining(entry -> all.put(entry.key, entry.value));
        }
        return all;
    }

    private StatsBucket sub1(String key) {
        StatsBucket bucket = views.driver.<String, StatsBucket>getKeyValueStore(QueryStores.SUB1_STATS).get(key);
        assertThat(bucket).as("sub1 breakdown under %s", key.replace('\u0000', '/')).isNotNull();
        return bucket;
    }

    private Map<String, StatsBucket> sub1Day(String campaignId, String affiliateId, long day) {
        KeyValueStore<String, StatsBucket> store = views.driver.getKeyValueStore(QueryStores.SUB1_STATS);
        Map<String, StatsBucket> entries = new HashMap<>();
        try (KeyValueIterator<String, StatsBucket> range = store.range(Sub1Key.lowerBound(campaignId, affiliateId, day),
                Sub1Key.upperBound(campaignId, affiliateId, day))) {
            range.forEachRemaining((KeyValue<String, StatsBucket> entry) -> entries.put(entry.key, entry.value));
        }
        return entries;
    }

    private long valuesFiled(String campaignId, String affiliateId, long day) {
        Long filed = views.driver.<String, Long>getKeyValueStore(QueryStores.SUB1_COUNTS)
                .get(Sub1Key.day(campaignId, affiliateId, day));
        return filed == null ? 0 : filed;
    }
}

package io.attribution.topology;

import io.attribution.avro.ClickConversions;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PostbackFate;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.avro.StatsBucket;
import io.attribution.schemas.Topics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.percentGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decisions and the views built as two applications: between them every store, processor and
 * topic name of the one-application topology (the upgrade contract), the decisions without a view,
 * the views without a decision, and the views fed from the output topics hold what the
 * one-application topology's views hold for the same input.
 */
class SplitTopologiesTest {

    private static final Goal PURCHASE = percentGoal("g-purchase", "purchase", "10", "15");
    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.10", "2.20");

    @Test
    void theTwoApplicationsTogetherHaveEveryNameOfTheOneApplicationTopologyAndShareNone(@TempDir Path stateDir) {
        Properties props = StreamsSettings.of("split-test", "unused:9092", stateDir, Map.of());
        Properties viewsProps = StreamsSettings.views(props, 1);
        BinaryAvroSerdes serdes = new BinaryAvroSerdes();
        // ensure.explicit.internal.resource.naming makes each build fail on any generated name.
        Names combined = Names.of(AttributionTopology.build(serdes, props, AttributionSettings.defaults(),
                new DeadLetterProducer(props)));
        Names decisions = Names.of(AttributionTopology.decisions(serdes, props, AttributionSettings.defaults(),
                new DeadLetterProducer(props)));
        Names views = Names.of(AttributionTopology.views(serdes, viewsProps, AttributionSettings.defaults()));

        assertThat(decisions.subtopologies).isEqualTo(3);
        assertThat(views.subtopologies).isEqualTo(1);
        assertThat(views.stores).containsExactlyInAnyOrderElementsOf(QueryStores.VIEW_STORES);
        assertThat(views.sourceTopics).containsExactlyInAnyOrder(Topics.CONVERSIONS_ATTRIBUTED.name(),
                Topics.CONVERSIONS_REJECTED.name(), Topics.CLICKS.name());
        assertThat(views.processors).contains("attributed-views", "rejected-views", "click-views",
                "attributed-views-source", "rejected-views-source", "click-views-source");
        assertThat(views.globalStores).isEmpty();
        assertThat(decisions.stores).doesNotContainAnyElementsOf(QueryStores.VIEW_STORES)
                .containsAll(QueryStores.DECISION_STORES);
        assertThat(decisions.sourceTopics).doesNotContain(Topics.CONVERSIONS_ATTRIBUTED.name(),
                Topics.CONVERSIONS_REJECTED.name());
        assertThat(decisions.globalStores).containsExactly(StoreNames.CAMPAIGNS);

        assertThat(union(decisions.stores, views.stores)).isEqualTo(combined.stores);
        // One application reads a topic through one source: there the click views hang off the
        // decisions' clicks-source, so the views' own source of clicks is the one name it lacks.
        Set<String> split = union(decisions.processors, views.processors);
        split.remove("click-views-source");
        assertThat(split).isEqualTo(combined.processors);
        assertThat(union(decisions.sourceTopics, views.sourceTopics)).isEqualTo(combined.sourceTopics);
        assertThat(decisions.processors).doesNotContainAnyElementsOf(views.processors);
    }

    @Test
    void theViewsFedFromTheDecisionsOutputsHoldWhatTheOneApplicationViewsHold() {
        AttributionSettings settings = AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO);
        try (TopologyHarness combined = new TopologyHarness(settings, NOW);
             TopologyHarness decisions = TopologyHarness.decisionsOnly(settings, NOW);
             ViewsHarness views = new ViewsHarness(settings, NOW)) {
            List<RawPostback> postbacks = List.of(
                    postback("click-1", NOW, "txn_id", "o-1", "sale_amount", "80", "status", "pending"),
                    postback("click-1", NOW.plusSeconds(60), "txn_id", "o-1", "status", "approved"),
                    postback("click-1", NOW.plusSeconds(90), "goal_value", "install"),
                    postback("click-1", NOW.plusSeconds(91), "goal_value", "install"),
                    postback("click-1", NOW.plusSeconds(92), "goal_value", "no-such-goal"),
                    postback("ghost", NOW.plusSeconds(93), "campaign_id", "camp-1"));
            for (TopologyHarness topology : List.of(combined, decisions)) {
                topology.campaign(campaign("camp-1", PURCHASE, INSTALL).setDefaultGoalId("g-purchase")
                        .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());
                topology.click(click("click-1", "camp-1", NOW.minusSeconds(60)));
                topology.click(click("click-never-converts", "camp-1", NOW.minusSeconds(30)));
                postbacks.forEach(topology::postback);
                topology.advanceWallClock(Duration.ofSeconds(5));
            }
            assertThat(decisions.driver.getStateStore(QueryStores.POSTBACK_LOG)).as("no views in the decisions").isNull();
            views.follow(decisions);
            views.click(click("click-1", "camp-1", NOW.minusSeconds(60)));
            views.click(click("click-never-converts", "camp-1", NOW.minusSeconds(30)));
            assertThat(views.driver.getStateStore(QueryStores.CLICKS)).as("no decisions in the views").isNull();

            for (RawPostback postback : postbacks) {
                PostbackFate fate = latest(views.driver, QueryStores.POSTBACK_LOG, postback.getRequestId());
                PostbackFate inCombined = latest(combined.driver, QueryStores.POSTBACK_LOG, postback.getRequestId());
                // Avro's equals cannot compare decimals: compare the records as Avro prints them.
                assertThat(fate.toString()).isEqualTo(inCombined.toString());
            }
            PostbackFate ghost = latest(views.driver, QueryStores.POSTBACK_LOG, postbacks.get(5).getRequestId());
            assertThat(ghost.getRejected().getReason()).isEqualTo(RejectionReason.UNKNOWN_CLICK);
            ClickConversions ofClick = latest(views.driver, QueryStores.CLICK_CONVERSIONS, "click-1");
            ClickConversions ofClickInCombined = latest(combined.driver, QueryStores.CLICK_CONVERSIONS, "click-1");
            assertThat(ofClick.getConversions()).hasSize(2);
            assertThat(ofClick.toString()).isEqualTo(ofClickInCombined.toString());
            ClickConversions ofTxn = latest(views.driver, QueryStores.TXN_CONVERSIONS, "o-1");
            ClickConversions ofTxnInCombined = latest(combined.driver, QueryStores.TXN_CONVERSIONS, "o-1");
            assertThat(ofTxn.toString()).isEqualTo(ofTxnInCombined.toString());
            assertThat(stats(views.driver)).hasSizeGreaterThanOrEqualTo(3).isEqualTo(stats(combined.driver));
            assertThat(all(views.driver, QueryStores.SUB1_STATS)).hasSize(1)
                    .isEqualTo(all(combined.driver, QueryStores.SUB1_STATS));
            assertThat(rejections(views.driver)).hasSize(3).isEqualTo(rejections(combined.driver));
        }
    }

    private static <V> V latest(TopologyTestDriver driver, String storeName, String key) {
        WindowStore<String, V> store = driver.getWindowStore(storeName);
        return WindowedStores.latest(store, key).map(entry -> entry.value).orElseThrow();
    }

    private static Map<String, String> stats(TopologyTestDriver driver) {
        return all(driver, QueryStores.STATS);
    }

    private static Map<String, String> all(TopologyTestDriver driver, String storeName) {
        KeyValueStore<String, StatsBucket> store = driver.getKeyValueStore(storeName);
        Map<String, String> all = new TreeMap<>();
        try (KeyValueIterator<String, StatsBucket> entries = store.all()) {
            entries.forEachRemaining(entry -> all.put(entry.key, entry.value.toString()));
        }
        return all;
    }

    private static List<String> rejections(TopologyTestDriver driver) {
        WindowStore<String, RejectedPostback> store = driver.getWindowStore(QueryStores.RECENT_REJECTIONS);
        List<String> requestIds = new ArrayList<>();
        try (WindowStoreIterator<RejectedPostback> values = store.fetch("camp-1", Instant.EPOCH, NOW.plusSeconds(600))) {
            values.forEachRemaining((KeyValue<Long, RejectedPostback> entry) -> requestIds.add(
                    entry.value.getRequestId() + " " + entry.value.getReason()));
        }
        requestIds.sort(null);
        return requestIds;
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> union = new HashSet<>(first);
        union.addAll(second);
        return union;
    }

    /** The names a topology description gives: the upgrade contract. */
    private record Names(int subtopologies, Set<String> stores, Set<String> processors, Set<String> sourceTopics,
                         Set<String> globalStores) {

        static Names of(Topology topology) {
            TopologyDescription description = topology.describe();
            Set<String> stores = new HashSet<>();
            Set<String> processors = new HashSet<>();
            Set<String> topics = new HashSet<>();
            Set<String> globalStores = new HashSet<>();
            description.globalStores().forEach(global -> globalStores.addAll(global.processor().stores()));
            description.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
                processors.add(node.name());
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                } else if (node instanceof TopologyDescription.Source source) {
                    topics.addAll(source.topicSet());
                }
            }));
            stores.addAll(globalStores);
            return new Names(description.subtopologies().size(), stores, processors, topics, globalStores);
        }
    }
}

package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.schemas.Topics;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.percentGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

class AttributionTopologyTest {

    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.50", "2.00");
    private static final Goal PURCHASE = percentGoal("g-purchase", "purchase", "7.5", "12");

    private TopologyHarness topology;
    private TestOutputTopic<String, AttributedConversion> attributed;
    private TestOutputTopic<String, RejectedPostback> rejected;

    @BeforeEach
    void start() {
        // No grace here: an unknown click is rejected at once (grace has its own tests).
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        attributed = topology.attributed;
        rejected = topology.rejected;
        givenCampaign(campaign("camp-1", INSTALL, PURCHASE).setDefaultGoalId("g-install").build());
        givenClick(click("click-1", "camp-1", NOW.minus(Duration.ofHours(1))));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void fixedPayoutGoalByValueIsAttributed() {
        send(postback("click-1", NOW, "goal_value", "install", "txn_id", "order-1", "coupon", "SAVE10"));

        TestRecord<String, AttributedConversion> record = attributed.readRecord();
        AttributedConversion conversion = record.value();
        assertThat(record.key()).isEqualTo("click-1");
        assertThat(conversion.getCampaignId()).isEqualTo("camp-1");
        assertThat(conversion.getAdvertiserId()).isEqualTo("adv-1");
        assertThat(conversion.getAffiliateId()).isEqualTo("aff-7");
        assertThat(conversion.getGoalId()).isEqualTo("g-install");
        assertThat(conversion.getTxnId()).isEqualTo("order-1");
        assertThat(conversion.getStatus()).isEqualTo(ConversionStatus.APPROVED);
        assertThat(conversion.getPayout()).isEqualByComparingTo("1.50");
        assertThat(conversion.getRevenue()).isEqualByComparingTo("2.00");
        assertThat(conversion.getCurrency()).isEqualTo("USD");
        assertThat(conversion.getSubs()).containsEntry("sub1", "banner-a");
        assertThat(conversion.getParams()).containsEntry("coupon", "SAVE10");
        assertThat(conversion.getConvertedAt()).isEqualTo(NOW);
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    void percentPayoutIsAShareOfSaleAmountRoundedToTheCent() {
        send(postback("click-1", NOW, "goal_value", "purchase", "sale_amount", "19.99"));

        AttributedConversion conversion = attributed.readValue();
        // 7.5% of 19.99 = 1.49925 -> 1.50; 12% of 19.99 = 2.3988 -> 2.40
        assertThat(conversion.getPayout()).isEqualByComparingTo("1.50");
        assertThat(conversion.getRevenue()).isEqualByComparingTo("2.40");
        assertThat(conversion.getSaleAmount()).isEqualByComparingTo("19.99");
    }

    @Test
    void percentPayoutRoundsToTheMinorUnitOfTheGoalCurrency() {
        Goal yen = Goal.newBuilder(PURCHASE).setGoalId("g-yen").setValue("yen").setCurrency("JPY").build();
        givenCampaign(campaign("camp-1", yen).build());

        send(postback("click-1", NOW, "goal_value", "yen", "sale_amount", "1999"));

        AttributedConversion conversion = attributed.readValue();
        assertThat(conversion.getCurrency()).isEqualTo("JPY");
        assertThat(conversion.getPayout()).isEqualByComparingTo("150"); // 149.925
    }

    @Test
    void dynamicRevenueOverridesTheConfiguredRevenue() {
        Goal dynamic = Goal.newBuilder(INSTALL).setDynamicRevenue(true).build();
        givenCampaign(campaign("camp-1", dynamic).build());

        send(postback("click-1", NOW, "goal_id", "g-install", "revenue", "3.333"));

        AttributedConversion conversion = attributed.readValue();
        assertThat(conversion.getRevenue()).isEqualByComparingTo("3.33");
        assertThat(conversion.getPayout()).isEqualByComparingTo("1.50");
    }

    @Test
    void revenueParameterIsIgnoredWhenTheGoalDoesNotAllowIt() {
        send(postback("click-1", NOW, "goal_id", "g-install", "revenue", "99"));

        assertThat(attributed.readValue().getRevenue()).isEqualByComparingTo("2.00");
    }

    @Test
    void goalIdWinsOverGoalValue() {
        send(postback("click-1", NOW, "goal_id", "g-purchase", "goal_value", "install", "sale_amount", "10"));

        assertThat(attributed.readValue().getGoalId()).isEqualTo("g-purchase");
    }

    @Test
    void noGoalGivenUsesTheDefaultGoal() {
        send(postback("click-1", NOW));

        assertThat(attributed.readValue().getGoalId()).isEqualTo("g-install");
    }

    @Test
    void statusParameterSetsTheConversionStatus() {
        send(postback("click-1", NOW, "status", "pending"));

        assertThat(attributed.readValue().getStatus()).isEqualTo(ConversionStatus.PENDING);
    }

    @Test
    void unknownClickIsRejectedWithTheWholePostback() {
        RawPostback postback = postback("nobody", NOW, "goal_value", "install", "my_param", "kept");
        send(postback);

        RejectedPostback rejection = rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.UNKNOWN_CLICK);
        assertThat(rejection.getRequestId()).isEqualTo(postback.getRequestId());
        assertThat(rejection.getPostback()).isEqualTo(postback);
        assertThat(attributed.isEmpty()).isTrue();
    }

    @Test
    void clickOfUnknownCampaignIsRejected() {
        givenClick(click("click-2", "camp-unknown", NOW));

        send(postback("click-2", NOW));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.UNKNOWN_CAMPAIGN);
    }

    @Test
    void deletedCampaignIsUnknown() {
        topology.deleteCampaign("camp-1");

        send(postback("click-1", NOW));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.UNKNOWN_CAMPAIGN);
    }

    @Test
    void pausedCampaignIsRejected() {
        givenCampaign(campaign("camp-1", INSTALL).setStatus(ActivityStatus.PAUSED).build());

        send(postback("click-1", NOW, "goal_value", "install"));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.CAMPAIGN_PAUSED);
    }

    @Test
    void unknownGoalIsRejected() {
        send(postback("click-1", NOW, "goal_value", "subscribe"));

        RejectedPostback rejection = rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.UNKNOWN_GOAL);
        assertThat(rejection.getDetail()).contains("subscribe");
        assertThat(rejection.getCampaignId()).isEqualTo("camp-1");
    }

    @Test
    void noGoalAndNoDefaultGoalIsUnknownGoal() {
        givenCampaign(campaign("camp-1", INSTALL).build());

        send(postback("click-1", NOW));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.UNKNOWN_GOAL);
    }

    @Test
    void pausedGoalIsRejected() {
        givenCampaign(campaign("camp-1", Goal.newBuilder(INSTALL).setStatus(ActivityStatus.PAUSED).build()).build());

        send(postback("click-1", NOW, "goal_value", "install"));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.GOAL_PAUSED);
    }

    @Test
    void postbackAfterTheAttributionWindowIsClickExpired() {
        givenCampaign(campaign("camp-1", INSTALL).setAttributionWindowDays(7).build());
        givenClick(click("old-click", "camp-1", NOW.minus(Duration.ofDays(7)).minusSeconds(1)));
        givenClick(click("recent-click", "camp-1", NOW.minus(Duration.ofDays(7))));

        send(postback("old-click", NOW, "goal_value", "install"));
        send(postback("recent-click", NOW, "goal_value", "install"));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.CLICK_EXPIRED);
        assertThat(attributed.readValue().getClickId()).isEqualTo("recent-click");
    }

    @Test
    void malformedAmountIsRejectedEvenWhenItBypassedIngest() {
        send(postback("click-1", NOW, "goal_value", "purchase", "sale_amount", "12,50"));

        RejectedPostback rejection = rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(rejection.getDetail()).contains("sale_amount");
    }

    @Test
    void percentGoalWithoutSaleAmountIsMalformed() {
        send(postback("click-1", NOW, "goal_value", "purchase"));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.MALFORMED);
    }

    @Test
    void currencyOtherThanTheGoalsIsMalformed() {
        send(postback("click-1", NOW, "goal_value", "purchase", "sale_amount", "10", "currency", "EUR"));

        assertThat(rejectionReason()).isEqualTo(RejectionReason.MALFORMED);
    }

    @Test
    void blankClickIdIsMissingClickId() {
        RawPostback postback = postback("", NOW);
        postback.setRequestId("req-blank");
        send(postback);

        RejectedPostback rejection = rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.MISSING_CLICK_ID);
    }

    @Test
    void onlyMisplacedInputUniqueTxnAndCapsRepartitionAndEveryNameIsExplicit(@TempDir Path stateDir) {
        Properties props = StreamsSettings.of("naming-test", "unused:9092", stateDir, Map.of());
        // ensure.explicit.internal.resource.naming makes build() fail on any generated name.
        Topology topology = AttributionTopology.build(new BinaryAvroSerdes(), props, AttributionSettings.defaults(),
                new DeadLetterProducer(props));

        TopologyDescription description = topology.describe();
        assertThat(description.toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        List<String> sourceTopics = description.subtopologies().stream()
                .flatMap(subtopology -> subtopology.nodes().stream())
                .filter(node -> node instanceof TopologyDescription.Source)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .toList();
        assertThat(sourceTopics).containsExactlyInAnyOrder(Topics.CLICKS.name(), Topics.POSTBACKS_RAW.name(),
                "misplaced-input-repartition", "unique-txn-repartition", "click-ledger-goal-caps-repartition",
                "unique-txn-ledger-goal-caps-repartition",
                Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name());
        // clicks and postbacks meet in one sub-topology: the join itself needs no repartition, and
        // records on the wrong partition loop back into it. In one application the query views
        // join it too: they count clicks, and one application reads clicks through one source, so
        // the click views hang off the decisions' clicks-source and share the stats with the views
        // of the output topics (all keyed by click_id, co-partitioned). The pipeline's views
        // application reads clicks itself (SplitTopologiesTest).
        assertThat(description.subtopologies()).hasSize(3).anySatisfy(subtopology -> assertThat(subtopology.nodes())
                .filteredOn(node -> node instanceof TopologyDescription.Source)
                .extracting(TopologyDescription.Node::name)
                .containsExactlyInAnyOrder("postbacks-source", "clicks-source", "misplaced-input-repartition-source",
                        "attributed-views-source", "rejected-views-source"));
    }

    /**
     * Store and repartition topic names are the upgrade contract: state and in-flight records of the
     * last release are found under them. A topology may add names, never lose one.
     */
    @Test
    void everyStoreAndRepartitionTopicOfTheLastReleaseIsStillThere(@TempDir Path stateDir) {
        Properties props = StreamsSettings.of("contract-test", "unused:9092", stateDir, Map.of());
        TopologyDescription description = AttributionTopology.build(new BinaryAvroSerdes(), props,
                AttributionSettings.defaults(), new DeadLetterProducer(props)).describe();

        Set<String> stores = new HashSet<>();
        Set<String> topics = new HashSet<>();
        description.globalStores().forEach(global -> stores.addAll(global.processor().stores()));
        description.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            } else if (node instanceof TopologyDescription.Source source) {
                topics.addAll(source.topicSet());
            }
        }));
        assertThat(stores).containsAll(List.of("campaigns-store", "clicks-store", "pending-postbacks-store",
                "click-ledger-store", "unique-txn-ledger-store", "cap-counters-store", "capped-conversions-store",
                "stats-store", "click-conversions-store", "txn-conversions-store", "postback-log-store",
                "recent-rejections-store"));
        assertThat(topics).containsAll(List.of("unique-txn-repartition", "click-ledger-goal-caps-repartition",
                "unique-txn-ledger-goal-caps-repartition"));
    }

    private void givenCampaign(Campaign campaign) {
        topology.campaign(campaign);
    }

    private void givenClick(Click click) {
        topology.click(click);
    }

    private void send(RawPostback postback) {
        topology.postback(postback);
    }

    private RejectionReason rejectionReason() {
        return rejected.readValue().getReason();
    }
}

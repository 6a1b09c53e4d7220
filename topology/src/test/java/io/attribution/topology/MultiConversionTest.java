package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/** How many conversions a click may yield, per campaign (or goal) mode. */
class MultiConversionTest {

    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.50", "2.00");
    private static final Goal PURCHASE = fixedGoal("g-purchase", "purchase", "5.00", "8.00");

    private TopologyHarness topology;

    private void givenMode(MultiConversionMode mode) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.campaign(campaign("camp-1", INSTALL, PURCHASE).setDefaultGoalId("g-install")
                .setMultiConversion(mode).build());
        topology.campaign(campaign("camp-2", INSTALL).setDefaultGoalId("g-install").setMultiConversion(mode).build());
        topology.click(click("click-1", "camp-1", NOW.minusSeconds(60)));
        topology.click(click("click-2", "camp-1", NOW.minusSeconds(60)));
        topology.click(click("click-other-campaign", "camp-2", NOW.minusSeconds(60)));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @ParameterizedTest
    @EnumSource(MultiConversionMode.class)
    void anIdenticalResendNeverCountsTwiceInAnyMode(MultiConversionMode mode) {
        givenMode(mode);
        RawPostback original = postback("click-1", NOW, "goal_value", "install", "txn_id", "t-1", "sub2", "x");
        RawPostback resend = postback("click-1", NOW.plusSeconds(5), "sub2", "x", "txn_id", "t-1", "goal_value", "install");

        topology.postback(original);
        topology.postback(resend);

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getRequestId)
                .containsExactly(original.getRequestId());
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @ParameterizedTest
    @EnumSource(MultiConversionMode.class)
    void anIdenticalResendWithoutTxnIdNeverCountsTwiceInAnyMode(MultiConversionMode mode) {
        givenMode(mode);
        topology.postback(postback("click-1", NOW, "goal_value", "install"));
        topology.postback(postback("click-1", NOW.plusSeconds(5), "goal_value", "install"));

        assertThat(topology.attributed.readValuesToList()).hasSize(1);
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @Test
    void allowCountsEveryDistinctPostback() {
        givenMode(MultiConversionMode.ALLOW);
        topology.postback(postback("click-1", NOW, "goal_value", "install", "sub2", "a"));
        topology.postback(postback("click-1", NOW.plusSeconds(1), "goal_value", "install", "sub2", "b"));
        topology.postback(postback("click-1", NOW.plusSeconds(2), "goal_value", "install", "txn_id", "t-1"));

        assertThat(topology.attributed.readValuesToList()).hasSize(3);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void allowUniqueTxnCountsEachNewTxnIdOfAClick() {
        givenMode(MultiConversionMode.ALLOW_UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "goal_value", "purchase", "txn_id", "t-1"));
        topology.postback(postback("click-1", NOW.plusSeconds(1), "goal_value", "purchase", "txn_id", "t-2"));
        topology.postback(postback("click-1", NOW.plusSeconds(2), "goal_value", "purchase", "txn_id", "t-1",
                "sale_amount", "10"));
        // The same txn id on another click is another order of this mode's unit, the click.
        topology.postback(postback("click-2", NOW.plusSeconds(3), "goal_value", "purchase", "txn_id", "t-1"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getTxnId)
                .containsExactly("t-1", "t-2", "t-1");
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_TXN);
    }

    @Test
    void allowUniqueTxnCountsAPostbackWithoutTxnIdOncePerGoal() {
        givenMode(MultiConversionMode.ALLOW_UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "goal_value", "install", "sub2", "a"));
        topology.postback(postback("click-1", NOW.plusSeconds(1), "goal_value", "install", "sub2", "b"));
        topology.postback(postback("click-1", NOW.plusSeconds(2), "goal_value", "purchase"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getGoalId)
                .containsExactly("g-install", "g-purchase");
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @Test
    void onePerClickCountsOneConversionPerGoal() {
        givenMode(MultiConversionMode.ONE_PER_CLICK);
        topology.postback(postback("click-1", NOW, "goal_value", "install", "txn_id", "t-1"));
        topology.postback(postback("click-1", NOW.plusSeconds(1), "goal_value", "install", "txn_id", "t-2"));
        topology.postback(postback("click-1", NOW.plusSeconds(2), "goal_value", "purchase", "txn_id", "t-3"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getTxnId)
                .containsExactly("t-1", "t-3");
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @Test
    void uniqueTxnCountsATxnIdOncePerAdvertiserAcrossClicksAndCampaigns() {
        givenMode(MultiConversionMode.UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "goal_value", "purchase", "txn_id", "order-9"));
        topology.postback(postback("click-2", NOW.plusSeconds(1), "goal_value", "purchase", "txn_id", "order-9"));
        topology.postback(postback("click-other-campaign", NOW.plusSeconds(2), "txn_id", "order-9"));
        topology.postback(postback("click-2", NOW.plusSeconds(3), "goal_value", "purchase", "txn_id", "order-10"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getTxnId)
                .containsExactly("order-9", "order-10");
        assertThat(topology.rejected.readValuesToList()).extracting(r -> r.getReason())
                .containsExactly(RejectionReason.DUPLICATE_TXN, RejectionReason.DUPLICATE_TXN);
    }

    @Test
    void uniqueTxnKeepsAdvertisersApart() {
        givenMode(MultiConversionMode.UNIQUE_TXN);
        Campaign otherAdvertiser = campaign("camp-3", INSTALL).setAdvertiserId("adv-2").setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.UNIQUE_TXN).build();
        topology.campaign(otherAdvertiser);
        topology.click(click("click-adv-2", "camp-3", NOW.minusSeconds(60)));

        topology.postback(postback("click-1", NOW, "txn_id", "order-9"));
        topology.postback(postback("click-adv-2", NOW.plusSeconds(1), "txn_id", "order-9"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getAdvertiserId)
                .containsExactly("adv-1", "adv-2");
    }

    @Test
    void aGoalsModeOverridesTheCampaigns() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        Goal oncePerClick = Goal.newBuilder(INSTALL).setMultiConversion(MultiConversionMode.ONE_PER_CLICK).build();
        topology.campaign(campaign("camp-1", oncePerClick, PURCHASE).setMultiConversion(MultiConversionMode.ALLOW).build());
        topology.click(click("click-1", "camp-1", NOW.minusSeconds(60)));

        for (String order : List.of("1", "2")) {
            topology.postback(postback("click-1", NOW, "goal_value", "install", "txn_id", "install-" + order));
            topology.postback(postback("click-1", NOW, "goal_value", "purchase", "txn_id", "purchase-" + order));
        }

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getGoalId)
                .containsExactly("g-install", "g-purchase", "g-purchase");
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }
}

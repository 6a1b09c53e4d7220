package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RejectionReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.percentGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A status update (same txn id, new status) reaches the conversion it updates wherever that was
 * recorded: whatever goal or mode the update names, and whatever the campaign's state is now. It
 * never creates a second conversion.
 */
class StatusUpdateRoutingTest {

    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.00", "2.00");
    private static final Goal PURCHASE = Goal.newBuilder(percentGoal("g-purchase", "purchase", "10", "15"))
            .setMultiConversion(MultiConversionMode.UNIQUE_TXN).build();

    private TopologyHarness topology;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.campaign(issueCampaign().build());
        topology.click(click("c1", "camp-1", NOW.minusSeconds(60)));
        topology.click(click("c2", "camp-1", NOW.minusSeconds(30)));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    /** ALLOW_UNIQUE_TXN with the default goal install, and purchase overridden to UNIQUE_TXN. */
    private static Campaign.Builder issueCampaign() {
        return campaign("camp-1", INSTALL, PURCHASE).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN);
    }

    private void aPendingPurchase(String clickId) {
        topology.postback(postback(clickId, NOW, "goal_value", "purchase", "txn_id", "T", "sale_amount", "80",
                "status", "pending"));
    }

    @Test
    void anUpdateWithoutGoalFindsTheUniqueTxnConversionOfItsGoal() {
        aPendingPurchase("c1");
        topology.postback(postback("c1", NOW.plusSeconds(60), "txn_id", "T", "status", "approved"));

        List<AttributedConversion> records = oneConversionAndItsUpdates();
        AttributedConversion approved = records.get(1);
        assertThat(approved.getConversionId()).isEqualTo(records.get(0).getConversionId());
        assertThat(approved.getStatus()).isEqualTo(ConversionStatus.APPROVED);
        assertThat(approved.getPreviousStatus()).isEqualTo(ConversionStatus.PENDING);
        assertThat(approved.getGoalId()).isEqualTo("g-purchase");
        assertThat(approved.getPayout()).isEqualByComparingTo("8.00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"approved", "cancelled"})
    void anUpdateReachesItsConversionOnAPausedCampaign(String status) {
        aPendingPurchase("c1");
        topology.campaign(issueCampaign().setStatus(ActivityStatus.PAUSED).build());

        topology.postback(postback("c1", NOW.plusSeconds(60), "txn_id", "T", "status", status));

        assertThat(oneConversionAndItsUpdates()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.valueOf(status.toUpperCase()));
    }

    @Test
    void anUpdateReachesItsConversionWhenItsGoalIsPaused() {
        aPendingPurchase("c1");
        Goal pausedPurchase = Goal.newBuilder(PURCHASE).setStatus(ActivityStatus.PAUSED).build();
        topology.campaign(campaign("camp-1", INSTALL, pausedPurchase).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());

        topology.postback(postback("c1", NOW.plusSeconds(60), "goal_value", "purchase", "txn_id", "T",
                "status", "rejected"));

        assertThat(oneConversionAndItsUpdates()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.REJECTED);
    }

    @Test
    void anUpdateFindsItsConversionAfterTheGoalsModeChanged() {
        aPendingPurchase("c1");
        Goal perClickPurchase = Goal.newBuilder(PURCHASE).setMultiConversion(null).build();
        topology.campaign(campaign("camp-1", INSTALL, perClickPurchase).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());

        // Without an amount it cannot be new (PERCENT); with one it could: both update.
        topology.postback(postback("c1", NOW.plusSeconds(60), "goal_value", "purchase", "txn_id", "T",
                "status", "approved"));
        topology.postback(postback("c1", NOW.plusSeconds(120), "goal_value", "purchase", "txn_id", "T",
                "sale_amount", "80", "status", "cancelled"));

        assertThat(oneConversionAndItsUpdates()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.APPROVED, ConversionStatus.CANCELLED);
    }

    @Test
    void anUpdateFindsItsConversionAfterTheCampaignTurnedUniqueTxn() {
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN).build());
        topology.postback(postback("c1", NOW, "txn_id", "T"));
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.UNIQUE_TXN).build());

        topology.postback(postback("c1", NOW.plusSeconds(60), "txn_id", "T", "status", "cancelled"));

        assertThat(oneConversionAndItsUpdates()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.APPROVED, ConversionStatus.CANCELLED);
    }

    @Test
    void anUpdateFindsItsConversionAfterTheCampaignLeftUniqueTxn() {
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.UNIQUE_TXN).build());
        topology.postback(postback("c1", NOW, "txn_id", "T", "status", "pending"));
        topology.campaign(campaign("camp-1", INSTALL).setDefaultGoalId("g-install")
                .setMultiConversion(MultiConversionMode.ALLOW).build());

        topology.postback(postback("c1", NOW.plusSeconds(60), "txn_id", "T", "status", "approved"));

        assertThat(oneConversionAndItsUpdates()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.APPROVED);
    }

    @Test
    void aCrossClickReversalOfAUniqueTxnOrderOnAPausedCampaign() {
        aPendingPurchase("c1");
        topology.campaign(issueCampaign().setStatus(ActivityStatus.PAUSED).build());

        topology.postback(postback("c2", NOW.plusSeconds(60), "txn_id", "T", "status", "cancelled"));

        List<AttributedConversion> records = oneConversionAndItsUpdates();
        assertThat(records).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.CANCELLED);
        assertThat(records.get(1).getClickId()).as("the conversion keeps its click").isEqualTo("c1");
    }

    @Test
    void anUpdateThatMatchesNothingIsStillRejectedForWhyItCannotBeNew() {
        topology.campaign(issueCampaign().setStatus(ActivityStatus.PAUSED).build());

        topology.postback(postback("c1", NOW, "txn_id", "T", "status", "cancelled"));

        assertThat(topology.attributed.isEmpty()).isTrue();
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.CAMPAIGN_PAUSED);
    }

    @Test
    void theSameStatusAgainWithoutGoalIsADuplicateTxnNotASecondConversion() {
        aPendingPurchase("c1");

        topology.postback(postback("c1", NOW.plusSeconds(60), "txn_id", "T", "status", "pending"));

        assertThat(topology.attributed.readValuesToList()).hasSize(1);
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_TXN);
    }

    /** Exactly one conversion was created, and nothing was rejected: the rest are its updates. */
    private List<AttributedConversion> oneConversionAndItsUpdates() {
        List<AttributedConversion> records = topology.attributed.readValuesToList();
        assertThat(records).filteredOn(record -> record.getPreviousStatus() == null).as("conversions created")
                .hasSize(1);
        assertThat(records).extracting(AttributedConversion::getConversionId).containsOnly(records.get(0).getConversionId());
        assertThat(topology.rejected.readValuesToList()).as("rejected").isEmpty();
        return records;
    }
}

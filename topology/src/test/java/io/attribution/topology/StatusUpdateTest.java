package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.percentGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/** A later postback with the same txn id and a new status changes the conversion: reversals, chargebacks. */
class StatusUpdateTest {

    private static final Goal PURCHASE = percentGoal("g-purchase", "purchase", "10", "15");

    private TopologyHarness topology;

    private void givenMode(MultiConversionMode mode) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.campaign(campaign("camp-1", PURCHASE).setDefaultGoalId("g-purchase").setMultiConversion(mode).build());
        topology.click(click("click-1", "camp-1", NOW.minusSeconds(60)));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @ParameterizedTest
    @EnumSource(MultiConversionMode.class)
    void newStatusForTheSameTxnUpdatesTheConversionInEveryMode(MultiConversionMode mode) {
        givenMode(mode);
        RawPostback sale = postback("click-1", NOW, "txn_id", "order-1", "sale_amount", "80", "status", "pending");
        RawPostback approval = postback("click-1", NOW.plus(Duration.ofDays(3)), "txn_id", "order-1", "status", "approved");
        RawPostback chargeback = postback("click-1", NOW.plus(Duration.ofDays(9)), "txn_id", "order-1",
                "status", "cancelled");

        topology.postback(sale);
        topology.postback(approval);
        topology.postback(chargeback);

        var records = topology.attributed.readValuesToList();
        assertThat(records).hasSize(3);
        AttributedConversion created = records.get(0);
        assertThat(created.getStatus()).isEqualTo(ConversionStatus.PENDING);
        assertThat(created.getPreviousStatus()).isNull();

        AttributedConversion approved = records.get(1);
        assertThat(approved.getConversionId()).isEqualTo(created.getConversionId());
        assertThat(approved.getRequestId()).isEqualTo(approval.getRequestId());
        assertThat(approved.getStatus()).isEqualTo(ConversionStatus.APPROVED);
        assertThat(approved.getPreviousStatus()).isEqualTo(ConversionStatus.PENDING);
        // The update carries the conversion's money, not a recomputation from the update postback.
        assertThat(approved.getPayout()).isEqualByComparingTo("8.00");
        assertThat(approved.getRevenue()).isEqualByComparingTo("12.00");

        AttributedConversion cancelled = records.get(2);
        assertThat(cancelled.getConversionId()).isEqualTo(created.getConversionId());
        assertThat(cancelled.getStatus()).isEqualTo(ConversionStatus.CANCELLED);
        assertThat(cancelled.getPreviousStatus()).isEqualTo(ConversionStatus.APPROVED);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void aStatusUpdateIsAcceptedAfterTheWindowAndOnAPausedCampaign() {
        givenMode(MultiConversionMode.ALLOW_UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "txn_id", "order-1", "sale_amount", "80"));
        topology.campaign(campaign("camp-1", PURCHASE).setDefaultGoalId("g-purchase").setAttributionWindowDays(1)
                .setStatus(io.attribution.avro.ActivityStatus.PAUSED).build());

        topology.postback(postback("click-1", NOW.plus(Duration.ofDays(45)), "txn_id", "order-1", "status", "cancelled"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.APPROVED, ConversionStatus.CANCELLED);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void aTxnPostbackThatUpdatesNothingIsRejectedForWhyItCannotBeNew() {
        givenMode(MultiConversionMode.ALLOW_UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "txn_id", "order-1", "status", "approved"));

        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(rejection.getDetail()).contains("sale_amount");
        assertThat(topology.attributed.isEmpty()).isTrue();
    }

    @Test
    void aTxnIdCountsOncePerClickWhateverTheGoal() {
        givenMode(MultiConversionMode.ALLOW);
        topology.postback(postback("click-1", NOW, "txn_id", "order-1", "sale_amount", "80"));
        topology.postback(postback("click-1", NOW.plusSeconds(10), "txn_id", "order-1", "sale_amount", "80",
                "goal_id", "g-purchase", "sub3", "again"));

        assertThat(topology.attributed.readValuesToList()).hasSize(1);
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_TXN);
    }

    @Test
    void theSameStatusAgainIsADuplicateTxn() {
        givenMode(MultiConversionMode.ALLOW_UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "txn_id", "order-1", "sale_amount", "80"));
        topology.postback(postback("click-1", NOW.plusSeconds(10), "txn_id", "order-1", "sale_amount", "81"));

        assertThat(topology.attributed.readValuesToList()).hasSize(1);
        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.DUPLICATE_TXN);
        assertThat(rejection.getDetail()).contains("order-1");
    }

    @Test
    void anUpdateResentIsADuplicateNotASecondUpdate() {
        givenMode(MultiConversionMode.ALLOW_UNIQUE_TXN);
        topology.postback(postback("click-1", NOW, "txn_id", "order-1", "sale_amount", "80", "status", "pending"));
        topology.postback(postback("click-1", NOW.plusSeconds(10), "txn_id", "order-1", "status", "rejected"));
        topology.postback(postback("click-1", NOW.plusSeconds(20), "txn_id", "order-1", "status", "rejected"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.REJECTED);
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @Test
    void uniqueTxnUpdatesTheConversionFromAnyClickOfTheAdvertiser() {
        givenMode(MultiConversionMode.UNIQUE_TXN);
        topology.click(click("click-2", "camp-1", NOW.minusSeconds(30)));
        topology.postback(postback("click-1", NOW, "txn_id", "order-1", "sale_amount", "80", "status", "pending"));
        topology.postback(postback("click-2", NOW.plusSeconds(10), "txn_id", "order-1", "status", "approved"));

        var records = topology.attributed.readValuesToList();
        assertThat(records).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.APPROVED);
        assertThat(records.get(1).getClickId()).as("the conversion keeps its click").isEqualTo("click-1");
        assertThat(topology.attributed.isEmpty()).isTrue();
    }
}

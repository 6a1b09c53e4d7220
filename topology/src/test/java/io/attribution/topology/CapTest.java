package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Daily and monthly caps per goal, in the campaign's time zone, across all clicks. A conversion
 * holds a slot while it is APPROVED or PENDING, in the day and month it took it; over a cap it is
 * still a conversion, CANCELLED with reason CAP_REACHED, which a later status update may approve.
 */
class CapTest {

    /** 22:30 in New York is 03:30 UTC the next day: the zone decides which day counts. */
    private static final Instant EVENING_NY = Instant.parse("2026-11-25T03:30:00Z");
    private static final Goal DAILY_TWO = Goal.newBuilder(fixedGoal("g-lead", "lead", "3.00", "4.00"))
            .setDailyCap(2).build();
    private static final Goal MONTHLY_THREE = Goal.newBuilder(fixedGoal("g-sale", "sale", "3.00", "4.00"))
            .setMonthlyCap(3).build();

    private TopologyHarness topology;

    /** A campaign in New York with a lead goal (daily cap 2) and a sale goal (monthly cap 3), six clicks. */
    private void givenLeadsAndSales() {
        given(EVENING_NY, campaign("camp-1", DAILY_TWO, MONTHLY_THREE).setTimeZone("America/New_York"), 6,
                EVENING_NY.minus(Duration.ofDays(20)));
    }

    private void given(Instant wallClock, Campaign.Builder campaign, int clicks, Instant clickedAt) {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), wallClock);
        topology.campaign(campaign.setMultiConversion(MultiConversionMode.ALLOW).build());
        for (int i = 1; i <= clicks; i++) {
            topology.click(click("click-" + i, "camp-1", clickedAt));
        }
    }

    /** One lead goal with a cap of one a day, or a sale goal with one a month, in {@code zone}. */
    private void givenCapOfOne(boolean monthly, String zone, Instant clickedAt) {
        Goal goal = monthly ? Goal.newBuilder(MONTHLY_THREE).setMonthlyCap(1).build()
                : Goal.newBuilder(DAILY_TWO).setDailyCap(1).build();
        given(clickedAt, campaign("camp-1", goal).setTimeZone(zone), 5, clickedAt);
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void overTheDailyCapTheConversionIsCancelledWithCapReachedAcrossClicks() {
        givenLeadsAndSales();
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-3", EVENING_NY.plusSeconds(120), "goal_value", "lead"));

        List<AttributedConversion> conversions = topology.attributed.readValuesToList();
        assertThat(conversions).extracting(AttributedConversion::getClickId)
                .containsExactly("click-1", "click-2", "click-3");
        assertThat(conversions).extracting(AttributedConversion::getStatus).containsExactly(
                ConversionStatus.APPROVED, ConversionStatus.APPROVED, ConversionStatus.CANCELLED);
        assertThat(conversions).extracting(AttributedConversion::getStatusReason)
                .containsExactly(null, null, RejectionReason.CAP_REACHED);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void theDailyCapResetsAtMidnightInTheCampaignsTimeZone() {
        givenLeadsAndSales();
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        // 00:30 in New York: a new day there, though the same UTC day as the two above.
        topology.postback(postback("click-3", EVENING_NY.plus(Duration.ofHours(2)), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatus)
                .containsOnly(ConversionStatus.APPROVED).hasSize(3);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void overTheMonthlyCapTheConversionIsCancelled() {
        givenLeadsAndSales();
        for (int day = 0; day < 4; day++) {
            topology.postback(postback("click-" + (day + 1), EVENING_NY.plus(Duration.ofDays(day)), "goal_value", "sale"));
        }

        assertThat(topology.attributed.readValuesToList()).extracting(c -> c.getStatus() + " " + c.getStatusReason())
                .containsExactly("APPROVED null", "APPROVED null", "APPROVED null", "CANCELLED CAP_REACHED");
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void rejectedConversionsDoNotCountAgainstTheCap() {
        givenLeadsAndSales();
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead", "status", "rejected"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-3", EVENING_NY.plusSeconds(120), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatusReason)
                .containsOnlyNulls().hasSize(3);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void duplicatesDoNotUseUpTheCap() {
        givenLeadsAndSales();
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-1", EVENING_NY.plusSeconds(30), "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).hasSize(2);
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @Test
    void anOverCapConversionIsAttributedCancelledAndCanBeApprovedLater() {
        givenLeadsAndSales();
        assertThat(outcomeOf(postback("click-1", EVENING_NY, "goal_value", "lead"))).isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead")))
                .isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(postback("click-3", EVENING_NY.plusSeconds(120), "goal_value", "lead", "txn_id", "o-3",
                "status", "pending"))).isEqualTo("NEW CANCELLED CAP_REACHED");
        // Approved while the day is still full: refused, the conversion stays cancelled.
        assertThat(outcomeOf(postback("click-3", EVENING_NY.plusSeconds(180), "goal_value", "lead", "txn_id", "o-3",
                "status", "approved"))).isEqualTo("REJECTED CAP_REACHED");
        // The next day in New York there is room: the same approval takes a slot then.
        assertThat(outcomeOf(postback("click-3", EVENING_NY.plus(Duration.ofHours(2)), "txn_id", "o-3",
                "status", "approved"))).isEqualTo("UPDATED CANCELLED -> APPROVED");
    }

    @Test
    void statusUpdatesOfCountedConversionsPassTheCap() {
        givenLeadsAndSales();
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead", "txn_id", "o-1", "status", "pending"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-1", EVENING_NY.plusSeconds(120), "goal_value", "lead", "txn_id", "o-1",
                "status", "approved"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.APPROVED, ConversionStatus.APPROVED);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void aRejectedConversionLaterApprovedTakesTheSlotThen() {
        givenCapOfOne(false, "America/New_York", EVENING_NY.minus(Duration.ofDays(1)));
        assertThat(outcomeOf(lead("click-1", EVENING_NY, "o1", "rejected"))).isEqualTo("NEW REJECTED");
        assertThat(outcomeOf(lead("click-1", EVENING_NY.plusSeconds(60), "o1", "approved")))
                .isEqualTo("UPDATED REJECTED -> APPROVED");
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(120), "o2", "approved")))
                .isEqualTo("NEW CANCELLED CAP_REACHED");
    }

    @Test
    void aReversedApprovalFreesItsSlot() {
        givenCapOfOne(false, "America/New_York", EVENING_NY.minus(Duration.ofDays(1)));
        assertThat(outcomeOf(lead("click-1", EVENING_NY, "o1", "approved"))).isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-1", EVENING_NY.plusSeconds(60), "o1", "cancelled")))
                .isEqualTo("UPDATED APPROVED -> CANCELLED");
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(120), "o2", "approved"))).isEqualTo("NEW APPROVED");
        // Pending and approved both hold the slot: moving between them changes nothing.
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(180), "o2", "pending")))
                .isEqualTo("UPDATED APPROVED -> PENDING");
        assertThat(outcomeOf(lead("click-3", EVENING_NY.plusSeconds(240), "o3", "pending")))
                .isEqualTo("NEW CANCELLED CAP_REACHED");
    }

    @Test
    void theSameStatusAsTheConversionHasIsADuplicateTxnWhateverTheAdvertiserSentBefore() {
        givenCapOfOne(false, "America/New_York", EVENING_NY.minus(Duration.ofDays(1)));
        assertThat(outcomeOf(lead("click-1", EVENING_NY, "o1", "approved"))).isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(60), "o2", "approved")))
                .isEqualTo("NEW CANCELLED CAP_REACHED");
        // The advertiser cancels what the cap already cancelled: nothing changes.
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(120), "o2", "cancelled")))
                .isEqualTo("REJECTED DUPLICATE_TXN");
        assertThat(outcomeOf(lead("click-1", EVENING_NY.plusSeconds(180), "o1", "rejected")))
                .isEqualTo("UPDATED APPROVED -> REJECTED");
        // Resending o2's first postback is a resend; an approval of o2 takes the slot o1 gave back.
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(240), "o2", "approved")))
                .isEqualTo("REJECTED DUPLICATE_CONVERSION");
        assertThat(outcomeOf(postback("click-2", EVENING_NY.plusSeconds(300), "txn_id", "o2", "status", "approved")))
                .isEqualTo("UPDATED CANCELLED -> APPROVED");
    }

    @Test
    void anUpdateAfterARefusedApprovalNamesTheStatusTheConversionKept() {
        givenCapOfOne(false, "America/New_York", EVENING_NY.minus(Duration.ofDays(1)));
        assertThat(outcomeOf(lead("click-1", EVENING_NY, "o1", "approved"))).isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(60), "o2", "rejected"))).isEqualTo("NEW REJECTED");
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(120), "o2", "approved")))
                .isEqualTo("REJECTED CAP_REACHED");

        // Found by the property test: the advertiser asked for approved, but the conversion is still rejected.
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(180), "o2", "cancelled")))
                .isEqualTo("UPDATED REJECTED -> CANCELLED");
        assertThat(outcomeOf(postback("click-2", EVENING_NY.plusSeconds(240), "txn_id", "o2", "status", "cancelled")))
                .isEqualTo("REJECTED DUPLICATE_TXN");
    }

    @Test
    void aConversionCancelledByACapCanBeApprovedOnceTheCapIsRemoved() {
        givenCapOfOne(false, "America/New_York", EVENING_NY.minus(Duration.ofDays(1)));
        assertThat(outcomeOf(lead("click-1", EVENING_NY, "o1", "approved"))).isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-2", EVENING_NY.plusSeconds(60), "o2", "approved")))
                .isEqualTo("NEW CANCELLED CAP_REACHED");
        topology.campaign(campaign("camp-1", Goal.newBuilder(DAILY_TWO).setDailyCap(null).build()).setTimeZone("America/New_York").setMultiConversion(MultiConversionMode.ALLOW).build());

        assertThat(outcomeOf(postback("click-2", EVENING_NY.plusSeconds(120), "txn_id", "o2", "status", "approved")))
                .isEqualTo("UPDATED CANCELLED -> APPROVED");
        assertThat(outcomeOf(lead("click-1", EVENING_NY.plusSeconds(180), "o1", "cancelled")))
                .isEqualTo("UPDATED APPROVED -> CANCELLED");
        // The cap comes back the same day: o1 gave its slot back, o2 was approved while there was no cap.
        topology.campaign(campaign("camp-1", Goal.newBuilder(DAILY_TWO).setDailyCap(1).build())
                .setTimeZone("America/New_York").setMultiConversion(MultiConversionMode.ALLOW).build());
        assertThat(outcomeOf(lead("click-3", EVENING_NY.plusSeconds(240), "o3", "approved"))).isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-4", EVENING_NY.plusSeconds(300), "o4", "approved")))
                .isEqualTo("NEW CANCELLED CAP_REACHED");
    }

    /**
     * A monthly cap of one in Los Angeles (UTC-8): the month changes at 08:00 UTC on December 1st.
     * A slot is taken in the month its conversion became approved, and freed in that month.
     */
    @Test
    void monthlyCapAcrossTheMonthBoundaryInLosAngeles() {
        Instant nov30Late = Instant.parse("2026-12-01T07:30:00Z");
        givenCapOfOne(true, "America/Los_Angeles", nov30Late.minus(Duration.ofDays(2)));

        assertThat(outcomeOf(sale("click-1", nov30Late, "o1", "approved"))).as("23:30 on Nov 30 in LA")
                .isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(sale("click-5", nov30Late.plus(Duration.ofMinutes(10)), "o5", "rejected")))
                .isEqualTo("NEW REJECTED");
        assertThat(outcomeOf(sale("click-2", Instant.parse("2026-12-01T08:30:00Z"), "o2", "approved")))
                .as("00:30 on Dec 1 in LA: December is empty").isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(sale("click-5", Instant.parse("2026-12-01T08:40:00Z"), "o5", "approved")))
                .as("December is full now").isEqualTo("REJECTED CAP_REACHED");
        assertThat(outcomeOf(sale("click-1", Instant.parse("2026-12-01T09:00:00Z"), "o1", "cancelled")))
                .as("frees November").isEqualTo("UPDATED APPROVED -> CANCELLED");
        assertThat(outcomeOf(sale("click-3", Instant.parse("2026-12-01T09:30:00Z"), "o3", "approved")))
                .as("December is still full").isEqualTo("NEW CANCELLED CAP_REACHED");
    }

    /** November 1st, 2026 lasts 25 hours in New York: 04:00 UTC to 05:00 UTC the next day. */
    @Test
    void dailyCapOnTheDstDayInNewYork() {
        Instant morning = Instant.parse("2026-11-01T04:30:00Z");
        givenCapOfOne(false, "America/New_York", morning.minus(Duration.ofDays(1)));

        assertThat(outcomeOf(lead("click-1", morning, "o1", "approved"))).as("00:30 EDT").isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-1", Instant.parse("2026-11-01T10:00:00Z"), "o1", "rejected")))
                .isEqualTo("UPDATED APPROVED -> REJECTED");
        assertThat(outcomeOf(lead("click-2", Instant.parse("2026-11-02T04:30:00Z"), "o2", "approved")))
                .as("23:30 EST, still Nov 1, whose slot was freed").isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-3", Instant.parse("2026-11-02T04:45:00Z"), "o3", "approved")))
                .as("23:45 EST, still Nov 1").isEqualTo("NEW CANCELLED CAP_REACHED");
        assertThat(outcomeOf(lead("click-4", Instant.parse("2026-11-02T05:10:00Z"), "o4", "approved")))
                .as("00:10 on Nov 2").isEqualTo("NEW APPROVED");
    }

    /** March 8th, 2026 lasts 23 hours in New York: 05:00 UTC to 04:00 UTC the next day. */
    @Test
    void dailyCapOnTheShortDayInNewYork() {
        Instant midnight = Instant.parse("2026-03-08T05:10:00Z");
        givenCapOfOne(false, "America/New_York", midnight.minus(Duration.ofDays(1)));

        assertThat(outcomeOf(lead("click-1", midnight, "o1", "approved"))).as("00:10 EST").isEqualTo("NEW APPROVED");
        assertThat(outcomeOf(lead("click-2", Instant.parse("2026-03-09T03:50:00Z"), "o2", "approved")))
                .as("23:50 EDT, still Mar 8").isEqualTo("NEW CANCELLED CAP_REACHED");
        assertThat(outcomeOf(lead("click-3", Instant.parse("2026-03-09T04:10:00Z"), "o3", "approved")))
                .as("00:10 EDT on Mar 9").isEqualTo("NEW APPROVED");
    }

    private static RawPostback lead(String clickId, Instant at, String txnId, String status) {
        return postback(clickId, at, "goal_value", "lead", "txn_id", txnId, "status", status);
    }

    private static RawPostback sale(String clickId, Instant at, String txnId, String status) {
        return postback(clickId, at, "goal_value", "sale", "txn_id", txnId, "status", status);
    }

    /**
     * The one outcome of a postback: "NEW status [reason]", "UPDATED previous -> status [reason]"
     * or "REJECTED reason".
     */
    private String outcomeOf(RawPostback postback) {
        topology.postback(postback);
        List<AttributedConversion> attributed = topology.attributed.readValuesToList();
        List<RejectedPostback> rejected = topology.rejected.readValuesToList();
        assertThat(attributed.size() + rejected.size()).as("outcomes of one postback").isEqualTo(1);
        if (!rejected.isEmpty()) {
            return "REJECTED " + rejected.get(0).getReason();
        }
        AttributedConversion conversion = attributed.get(0);
        String status = conversion.getStatus() + (conversion.getStatusReason() == null ? ""
                : " " + conversion.getStatusReason());
        return conversion.getPreviousStatus() == null ? "NEW " + status
                : "UPDATED " + conversion.getPreviousStatus() + " -> " + status;
    }
}

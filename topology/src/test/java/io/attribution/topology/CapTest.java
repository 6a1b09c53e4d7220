package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;

/** Daily and monthly caps per goal, in the campaign's time zone, across all clicks. */
class CapTest {

    /** 22:30 in New York is 03:30 UTC the next day: the zone decides which day counts. */
    private static final Instant EVENING_NY = Instant.parse("2026-11-25T03:30:00Z");
    private static final Goal DAILY_TWO = Goal.newBuilder(fixedGoal("g-lead", "lead", "3.00", "4.00"))
            .setDailyCap(2).build();
    private static final Goal MONTHLY_THREE = Goal.newBuilder(fixedGoal("g-sale", "sale", "3.00", "4.00"))
            .setMonthlyCap(3).build();

    private TopologyHarness topology;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), EVENING_NY);
        topology.campaign(campaign("camp-1", DAILY_TWO, MONTHLY_THREE).setTimeZone("America/New_York")
                .setMultiConversion(MultiConversionMode.ALLOW).build());
        for (int i = 1; i <= 6; i++) {
            topology.click(click("click-" + i, "camp-1", EVENING_NY.minus(Duration.ofDays(20))));
        }
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    @Test
    void overTheDailyCapTheConversionIsCancelledWithCapReachedAcrossClicks() {
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-3", EVENING_NY.plusSeconds(120), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getClickId)
                .containsExactly("click-1", "click-2");
        RejectedPostback capped = topology.rejected.readValue();
        assertThat(capped.getReason()).isEqualTo(RejectionReason.CAP_REACHED);
        assertThat(capped.getClickId()).isEqualTo("click-3");
        assertThat(capped.getDetail()).contains("cancelled").contains("daily cap of 2").contains("2026-11-24");
    }

    @Test
    void theDailyCapResetsAtMidnightInTheCampaignsTimeZone() {
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        // 00:30 in New York: a new day there, though the same UTC day as the two above.
        topology.postback(postback("click-3", EVENING_NY.plus(Duration.ofHours(2)), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).hasSize(3);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void overTheMonthlyCapTheConversionIsCancelled() {
        for (int day = 0; day < 4; day++) {
            topology.postback(postback("click-" + (day + 1), EVENING_NY.plus(Duration.ofDays(day)), "goal_value", "sale"));
        }

        assertThat(topology.attributed.readValuesToList()).hasSize(3);
        RejectedPostback capped = topology.rejected.readValue();
        assertThat(capped.getReason()).isEqualTo(RejectionReason.CAP_REACHED);
        assertThat(capped.getDetail()).contains("monthly cap of 3").contains("2026-11");
    }

    @Test
    void rejectedConversionsDoNotCountAgainstTheCap() {
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead", "status", "rejected"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-3", EVENING_NY.plusSeconds(120), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).hasSize(3);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }

    @Test
    void duplicatesDoNotUseUpTheCap() {
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-1", EVENING_NY.plusSeconds(30), "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));

        assertThat(topology.attributed.readValuesToList()).hasSize(2);
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.DUPLICATE_CONVERSION);
    }

    @Test
    void aStatusUpdateOfACappedConversionStaysCancelled() {
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-3", EVENING_NY.plusSeconds(120), "goal_value", "lead", "txn_id", "o-3",
                "status", "pending"));
        topology.postback(postback("click-3", EVENING_NY.plusSeconds(180), "goal_value", "lead", "txn_id", "o-3",
                "status", "approved"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.APPROVED, ConversionStatus.APPROVED);
        assertThat(topology.rejected.readValuesToList()).extracting(RejectedPostback::getReason)
                .containsExactly(RejectionReason.CAP_REACHED, RejectionReason.CAP_REACHED);
    }

    @Test
    void statusUpdatesOfCountedConversionsPassTheCap() {
        topology.postback(postback("click-1", EVENING_NY, "goal_value", "lead", "txn_id", "o-1", "status", "pending"));
        topology.postback(postback("click-2", EVENING_NY.plusSeconds(60), "goal_value", "lead"));
        topology.postback(postback("click-1", EVENING_NY.plusSeconds(120), "goal_value", "lead", "txn_id", "o-1",
                "status", "approved"));

        assertThat(topology.attributed.readValuesToList()).extracting(AttributedConversion::getStatus)
                .containsExactly(ConversionStatus.PENDING, ConversionStatus.APPROVED, ConversionStatus.APPROVED);
        assertThat(topology.rejected.isEmpty()).isTrue();
    }
}

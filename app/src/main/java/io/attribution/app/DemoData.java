package io.attribution.app;

import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PayoutType;
import io.attribution.schemas.Topics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** A campaign with two goals and a few clicks, so a newcomer can fire a postback at once. */
public final class DemoData {

    public static final String CAMPAIGN_ID = "demo-campaign";
    public static final List<String> CLICK_IDS = List.of("demo-click-1", "demo-click-2", "demo-click-3");

    private DemoData() {
    }

    public static Campaign campaign() {
        Goal install = Goal.newBuilder().setGoalId("install").setValue("install")
                .setPayoutType(PayoutType.FIXED).setPayout(new BigDecimal("1.50"))
                .setRevenueType(PayoutType.FIXED).setRevenue(new BigDecimal("2.00"))
                .build();
        Goal purchase = Goal.newBuilder().setGoalId("purchase").setValue("purchase")
                .setPayoutType(PayoutType.PERCENT).setPayout(new BigDecimal("10"))
                .setRevenueType(PayoutType.PERCENT).setRevenue(new BigDecimal("15"))
                .build();
        return Campaign.newBuilder().setCampaignId(CAMPAIGN_ID).setAdvertiserId("demo-advertiser")
                .setName("Demo campaign").setCurrency("USD").setDefaultGoalId("install")
                .setMultiConversion(MultiConversionMode.ALLOW_UNIQUE_TXN)
                .setGoals(List.of(install, purchase)).build();
    }

    public static void seed(TopicWriter writer) throws ExecutionException, InterruptedException {
        writer.write(Topics.CAMPAIGNS, CAMPAIGN_ID, campaign());
        Instant now = Instant.now();
        for (int i = 0; i < CLICK_IDS.size(); i++) {
            Click click = Click.newBuilder().setClickId(CLICK_IDS.get(i)).setCampaignId(CAMPAIGN_ID)
                    .setAffiliateId("demo-affiliate-" + (i + 1)).setClickedAt(now).setSubs(Map.of("sub1", "demo"))
                    .build();
            writer.write(Topics.CLICKS, click.getClickId(), click);
        }
    }
}

package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.Goal;
import io.attribution.avro.PayoutType;
import io.attribution.avro.RawPostback;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data in the shape the click tracker, the admin and ingest write it. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private Fixtures() {
    }

    static Goal fixedGoal(String id, String value, String payout, String revenue) {
        return Goal.newBuilder().setGoalId(id).setValue(value)
                .setPayoutType(PayoutType.FIXED).setPayout(new BigDecimal(payout))
                .setRevenueType(PayoutType.FIXED).setRevenue(new BigDecimal(revenue))
                .build();
    }

    static Goal percentGoal(String id, String value, String payoutPercent, String revenuePercent) {
        return Goal.newBuilder().setGoalId(id).setValue(value)
                .setPayoutType(PayoutType.PERCENT).setPayout(new BigDecimal(payoutPercent))
                .setRevenueType(PayoutType.PERCENT).setRevenue(new BigDecimal(revenuePercent))
                .build();
    }

    static Campaign.Builder campaign(String id, Goal... goals) {
        return Campaign.newBuilder().setCampaignId(id).setAdvertiserId("adv-1").setName("Campaign " + id)
                .setStatus(ActivityStatus.ACTIVE).setGoals(List.of(goals));
    }

    static Click click(String clickId, String campaignId, Instant at) {
        return Click.newBuilder().setClickId(clickId).setCampaignId(campaignId).setAffiliateId("aff-7")
                .setClickedAt(at).setSubs(Map.of("sub1", "banner-a")).build();
    }

    /** A postback as ingest writes it; parameters as "name", "value" pairs. */
    static RawPostback postback(String clickId, Instant at, String... params) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("click_id", List.of(clickId));
        for (int i = 0; i < params.length; i += 2) {
            query.put(params[i], List.of(params[i + 1]));
        }
        return RawPostback.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setReceivedAt(at)
                .setClickId(clickId)
                .setMethod("GET")
                .setQueryParams(query)
                .setBodyParams(Map.of())
                .setRemoteAddr("203.0.113.9")
                .build();
    }
}

package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.postback.InvalidParameterException;
import io.attribution.postback.PostbackParameters;

import java.time.Duration;
import java.time.Instant;

/**
 * The rules that decide a postback's fate, as a pure function of the postback, its click and the
 * click's campaign: no state, no Kafka, so every rule is testable on its own.
 */
final class AttributionRules {

    private AttributionRules() {
    }

    /**
     * @param click    the click the postback names, or null when none is known
     * @param campaign the click's campaign, or null when none is known
     */
    static Outcome attribute(RawPostback postback, Click click, Campaign campaign) {
        try {
            return new Outcome.Attributed(conversion(postback, click, campaign));
        } catch (Rejection rejection) {
            return new Outcome.Rejected(rejected(postback, click, rejection));
        }
    }

    private static AttributedConversion conversion(RawPostback postback, Click click, Campaign campaign)
            throws Rejection {
        if (postback.getClickId().isBlank()) {
            throw new Rejection(RejectionReason.MISSING_CLICK_ID, "click_id is required");
        }
        PostbackParameters params = validated(postback);
        if (click == null) {
            throw new Rejection(RejectionReason.UNKNOWN_CLICK, "no click with click_id " + postback.getClickId());
        }
        if (campaign == null) {
            throw new Rejection(RejectionReason.UNKNOWN_CAMPAIGN, "campaign " + click.getCampaignId() + " is not known");
        }
        if (campaign.getStatus() == ActivityStatus.PAUSED) {
            throw new Rejection(RejectionReason.CAMPAIGN_PAUSED, "campaign " + campaign.getCampaignId() + " is paused");
        }
        requireWithinWindow(postback, click, campaign);
        Goal goal = GoalResolver.resolve(campaign, params);
        Earnings earnings = Earnings.of(campaign, goal, params);
        return AttributedConversion.newBuilder()
                .setConversionId(postback.getRequestId())
                .setRequestId(postback.getRequestId())
                .setClickId(click.getClickId())
                .setCampaignId(campaign.getCampaignId())
                .setAdvertiserId(campaign.getAdvertiserId())
                .setAffiliateId(click.getAffiliateId())
                .setGoalId(goal.getGoalId())
                .setGoalValue(goal.getValue())
                .setTxnId(params.txnId().orElse(null))
                .setStatus(params.status().orElse(ConversionStatus.APPROVED))
                .setPreviousStatus(null)
                .setSaleAmount(params.saleAmount().orElse(null))
                .setRevenue(earnings.revenue())
                .setPayout(earnings.payout())
                .setCurrency(earnings.currency())
                .setClickedAt(click.getClickedAt())
                .setConvertedAt(postback.getReceivedAt())
                .setSubs(click.getSubs())
                .setParams(params.flatten())
                .build();
    }

    private static PostbackParameters validated(RawPostback postback) throws Rejection {
        try {
            return PostbackParameters.of(postback).validate();
        } catch (InvalidParameterException e) {
            throw new Rejection(RejectionReason.MALFORMED, e.getMessage());
        }
    }

    private static void requireWithinWindow(RawPostback postback, Click click, Campaign campaign) throws Rejection {
        Duration window = Duration.ofDays(campaign.getAttributionWindowDays());
        Instant deadline = click.getClickedAt().plus(window);
        if (postback.getReceivedAt().isAfter(deadline)) {
            throw new Rejection(RejectionReason.CLICK_EXPIRED, "click " + click.getClickId() + " is older than the "
                    + campaign.getAttributionWindowDays() + "-day attribution window");
        }
    }

    private static RejectedPostback rejected(RawPostback postback, Click click, Rejection rejection) {
        return RejectedPostback.newBuilder()
                .setRequestId(postback.getRequestId())
                .setReason(rejection.reason())
                .setDetail(rejection.getMessage())
                .setClickId(postback.getClickId())
                .setCampaignId(click == null ? null : click.getCampaignId())
                .setGoalId(null)
                .setRejectedAt(postback.getReceivedAt())
                .setPostback(postback)
                .build();
    }
}

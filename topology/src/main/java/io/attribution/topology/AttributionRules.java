package io.attribution.topology;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.ConversionCandidate;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.postback.InvalidParameterException;
import io.attribution.postback.PostbackParameters;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules that need only a postback, its click and the click's campaign, as pure functions:
 * no state, no Kafka. What they accept is a Candidate; duplicates and caps are decided later,
 * under the keys those rules need.
 */
final class AttributionRules {

    private AttributionRules() {
    }

    /**
     * A request ingest refused (token, address; or one it could not read, recorded for the postback
     * log): never attributed, and never held for a late click (refused requests must not fill the
     * pending store). It counts for the campaign it names, the one whose protection refused it, and
     * for the click's affiliate only when the click is of that campaign: a forged postback must not
     * count against another affiliate.
     *
     * @param click the click the request names, or null when none is known
     */
    static Outcome.Rejected refusedAtTheEdge(RawPostback postback, Click click) {
        String campaignId = namedCampaign(postback).orElse(null);
        String affiliateId = click != null && click.getCampaignId().equals(campaignId) ? click.getAffiliateId() : null;
        String detail = Objects.requireNonNullElse(postback.getEdgeRejectionDetail(), "refused by ingest");
        return Outcome.Rejected.of(postback, postback.getEdgeRejection(), detail, campaignId, null, affiliateId,
                postback.getReceivedAt()).test(click != null && click.getTest());
    }

    /** The campaign a postback names in its parameters, when it names one that can be read. */
    static Optional<String> namedCampaign(RawPostback postback) {
        try {
            return PostbackParameters.of(postback).campaignId();
        } catch (InvalidParameterException e) {
            return Optional.empty();
        }
    }

    /**
     * A postback too large to carry through the stores. Only a producer other than ingest can
     * write one: its rejection carries it cut short, under the edge's reason when ingest refused it.
     */
    static Optional<Outcome.Rejected> oversized(RawPostback postback) {
        int size = StateSize.of(postback);
        if (size <= CarriedPostback.MAX_BYTES) {
            return Optional.empty();
        }
        RejectionReason reason = postback.getEdgeRejection() != null ? postback.getEdgeRejection()
                : RejectionReason.MALFORMED;
        return Optional.of(reject(CarriedPostback.cutShort(postback), reason, "the postback takes about " + size
                + " bytes, more than the " + CarriedPostback.MAX_BYTES + " one may; kept here cut short", null));
    }

    /** A postback that can never be attributed, whatever click may still arrive. */
    static Optional<Outcome.Rejected> unreadable(RawPostback postback) {
        if (postback.getClickId().isBlank()) {
            return Optional.of(reject(postback, RejectionReason.MISSING_CLICK_ID, "click_id is required", null));
        }
        try {
            PostbackParameters.of(postback).validate();
            return Optional.empty();
        } catch (InvalidParameterException e) {
            return Optional.of(reject(postback, RejectionReason.MALFORMED, e.getMessage(), null));
        }
    }

    /**
     * For a postback that {@link #unreadable} passed: the caller checks that once, before it holds
     * the postback for its click, so the parameters are not validated twice on the hot path.
     *
     * @param click    the click the postback names, or null when none is known
     * @param campaign the click's campaign, or null when none is known
     */
    static Outcome attribute(RawPostback postback, Click click, Campaign campaign) {
        if (click == null) {
            return reject(postback, RejectionReason.UNKNOWN_CLICK, "no click with click_id " + postback.getClickId(), null);
        }
        if (campaign == null) {
            return reject(postback, RejectionReason.UNKNOWN_CAMPAIGN,
                    "campaign " + click.getCampaignId() + " is not known", click);
        }
        PostbackParameters params = PostbackParameters.of(postback);
        try {
            SecurityRules.require(postback, params, campaign);
        } catch (RejectedByRule refused) {
            return reject(postback, refused.reason(), refused.getMessage(), click);
        }
        try {
            return new Outcome.Candidate(newConversion(postback, params, click, campaign));
        } catch (RejectedByRule rejection) {
            if (params.txnId().isEmpty()) {
                return reject(postback, rejection.reason(), rejection.getMessage(), click);
            }
            // With a txn id it may be a status update (a chargeback after the window, on a paused
            // campaign, without the amount): only the ledger of that txn id can tell.
            return new Outcome.Candidate(updateOnly(postback, params, click, campaign, rejection));
        }
    }

    private static ConversionCandidate newConversion(RawPostback postback, PostbackParameters params, Click click,
                                                     Campaign campaign) throws RejectedByRule {
        if (campaign.getStatus() == ActivityStatus.PAUSED) {
            throw new RejectedByRule(RejectionReason.CAMPAIGN_PAUSED, "campaign " + campaign.getCampaignId() + " is paused");
        }
        requireWithinWindow(postback, click, campaign);
        Goal goal = GoalResolver.resolve(campaign, params);
        Earnings earnings = Earnings.of(campaign, goal, params);
        AttributedConversion conversion = conversion(postback, params, click, campaign)
                .setGoalId(goal.getGoalId())
                .setGoalValue(goal.getValue())
                .setRevenue(earnings.revenue())
                .setPayout(earnings.payout())
                .setCurrency(earnings.currency())
                .build();
        MultiConversionMode mode = goal.getMultiConversion() != null
                ? goal.getMultiConversion() : campaign.getMultiConversion();
        return candidate(postback, params, click, conversion, mode).build();
    }

    /** A postback that can only update an existing conversion: no goal or money of its own. */
    private static ConversionCandidate updateOnly(RawPostback postback, PostbackParameters params, Click click,
                                                  Campaign campaign, RejectedByRule asNewConversion) {
        AttributedConversion conversion = conversion(postback, params, click, campaign)
                .setGoalId("")
                .setGoalValue("")
                .setRevenue(BigDecimal.ZERO)
                .setPayout(BigDecimal.ZERO)
                .setCurrency(campaign.getCurrency())
                .build();
        return candidate(postback, params, click, conversion, campaign.getMultiConversion())
                .setNewConversionRejection(asNewConversion.reason())
                .setNewConversionRejectionDetail(asNewConversion.getMessage())
                .build();
    }

    private static AttributedConversion.Builder conversion(RawPostback postback, PostbackParameters params, Click click,
                                                           Campaign campaign) {
        return AttributedConversion.newBuilder()
                .setConversionId(postback.getRequestId())
                .setRequestId(postback.getRequestId())
                .setClickId(click.getClickId())
                .setCampaignId(campaign.getCampaignId())
                .setAdvertiserId(campaign.getAdvertiserId())
                .setAffiliateId(click.getAffiliateId())
                .setTxnId(params.txnId().orElse(null))
                .setStatus(params.status().orElse(ConversionStatus.APPROVED))
                .setPreviousStatus(null)
                .setSaleAmount(params.saleAmount().orElse(null))
                .setClickedAt(click.getClickedAt())
                .setConvertedAt(postback.getReceivedAt())
                .setSubs(click.getSubs())
                .setParams(params.flatten())
                // From the click alone: no postback parameter can make a real conversion a test one.
                .setTest(click.getTest());
    }

    private static ConversionCandidate.Builder candidate(RawPostback postback, PostbackParameters params, Click click,
                                                         AttributedConversion conversion, MultiConversionMode mode) {
        return ConversionCandidate.newBuilder()
                .setConversion(conversion)
                .setFingerprint(Fingerprint.of(click.getClickId(), params))
                .setMultiConversion(mode)
                .setPostback(postback)
                .setNewConversionRejection(null)
                .setNewConversionRejectionDetail(null);
    }

    private static void requireWithinWindow(RawPostback postback, Click click, Campaign campaign) throws RejectedByRule {
        Duration window = Duration.ofDays(campaign.getAttributionWindowDays());
        Instant deadline = click.getClickedAt().plus(window);
        if (postback.getReceivedAt().isAfter(deadline)) {
            throw new RejectedByRule(RejectionReason.CLICK_EXPIRED, "click " + click.getClickId() + " is older than the "
                    + campaign.getAttributionWindowDays() + "-day attribution window");
        }
    }

    private static Outcome.Rejected reject(RawPostback postback, RejectionReason reason, String detail, Click click) {
        return Outcome.Rejected.of(postback, reason, detail, click == null ? null : click.getCampaignId(), null,
                        click == null ? null : click.getAffiliateId(), postback.getReceivedAt())
                .test(click != null && click.getTest());
    }
}

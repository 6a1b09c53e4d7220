package io.attribution.topology;

import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;

import java.time.Instant;

/** Builds the one RejectedPostback of a postback, carrying the whole raw postback. */
final class Rejections {

    private Rejections() {
    }

    /** @param campaignId, goalId, affiliateId what is known of the postback's conversion, else null */
    static Outcome.Rejected of(RawPostback postback, RejectionReason reason, String detail, String campaignId,
                               String goalId, String affiliateId, Instant at) {
        return new Outcome.Rejected(RejectedPostback.newBuilder()
                .setRequestId(postback.getRequestId())
                .setReason(reason)
                .setDetail(detail)
                .setClickId(postback.getClickId())
                .setCampaignId(campaignId)
                .setGoalId(goalId)
                .setAffiliateId(affiliateId)
                .setRejectedAt(at)
                .setPostback(postback)
                .build());
    }
}

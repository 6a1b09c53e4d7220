package io.attribution.topology;

import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;

import java.time.Instant;

/** Builds the one RejectedPostback of a postback, carrying the whole raw postback. */
final class Rejections {

    private Rejections() {
    }

    static Outcome.Rejected of(RawPostback postback, RejectionReason reason, String detail, String campaignId,
                               String goalId, Instant at) {
        return new Outcome.Rejected(RejectedPostback.newBuilder()
                .setRequestId(postback.getRequestId())
                .setReason(reason)
                .setDetail(detail)
                .setClickId(postback.getClickId())
                .setCampaignId(campaignId)
                .setGoalId(goalId)
                .setRejectedAt(at)
                .setPostback(postback)
                .build());
    }
}

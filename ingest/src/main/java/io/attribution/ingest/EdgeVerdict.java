package io.attribution.ingest;

import io.attribution.avro.RejectionReason;

/**
 * What the edge decided about a request before writing it.
 *
 * @param authenticatedCampaignId the campaign whose token or signature was verified, or null
 * @param refusal                 null when the postback may go on to attribution
 * @param httpStatus              the answer once the postback is stored: 200, or 401/403 for a refusal
 */
record EdgeVerdict(String authenticatedCampaignId, RejectionReason refusal, String detail, int httpStatus) {

    static EdgeVerdict allowed(String authenticatedCampaignId) {
        return new EdgeVerdict(authenticatedCampaignId, null, null, 200);
    }

    static EdgeVerdict refused(RejectionReason reason, String detail, int httpStatus) {
        return new EdgeVerdict(null, reason, detail, httpStatus);
    }

    boolean isRefused() {
        return refusal != null;
    }
}

package io.attribution.ingest;

import io.attribution.avro.RejectionReason;

/**
 * What the edge decided about a request before writing it.
 *
 * @param authenticatedCampaignId the campaign whose token or signature was verified, or null
 * @param refusal                 null when the postback may go on to attribution
 * @param httpStatus              the answer once the postback is stored: 200, or 401/403 for a refusal;
 *                                503 when it cannot be checked now and must not be stored
 * @param signature               the request's signature, claimed: settled once the postback is
 *                                stored or known not to be
 */
record EdgeVerdict(String authenticatedCampaignId, RejectionReason refusal, String detail, int httpStatus,
                   RequestSignature.Claim signature) {

    static EdgeVerdict allowed(String authenticatedCampaignId) {
        return new EdgeVerdict(authenticatedCampaignId, null, null, 200, RequestSignature.Claim.NONE);
    }

    static EdgeVerdict refused(RejectionReason reason, String detail, int httpStatus) {
        return new EdgeVerdict(null, reason, detail, httpStatus, RequestSignature.Claim.NONE);
    }

    /** The campaign's protections cannot be checked now: nothing is stored, the advertiser resends. */
    static EdgeVerdict unavailable(String detail) {
        return new EdgeVerdict(null, null, detail, 503, RequestSignature.Claim.NONE);
    }

    EdgeVerdict claiming(RequestSignature.Claim claim) {
        return new EdgeVerdict(authenticatedCampaignId, refusal, detail, httpStatus, claim);
    }

    boolean isUnavailable() {
        return httpStatus == 503;
    }

    boolean isRefused() {
        return refusal != null;
    }
}

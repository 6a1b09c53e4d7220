package io.attribution.ingest;

import io.attribution.avro.Campaign;
import io.attribution.avro.RejectionReason;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.campaigns.CampaignProtections;
import io.attribution.postback.PostbackParameters;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/**
 * The synchronous checks of a postback that names its campaign: the campaign's address allow-list
 * (403), its signature (401; 503 while a request with the same signature is being stored) and its
 * security token (401). A postback naming no known campaign passes here and meets the same rules
 * in the topology once its click is known.
 */
final class EdgeGuard {

    private final CampaignCatalog campaigns;
    private final RequestSignature signatures;

    EdgeGuard(CampaignCatalog campaigns, RequestSignature signatures) {
        this.campaigns = campaigns;
        this.signatures = signatures;
    }

    /** @param token the postback's security token, digested only when a campaign's token is checked */
    EdgeVerdict check(HttpServletRequest request, byte[] body, PostbackParameters params, String clientIp,
                      PresentedToken token) {
        if (params.campaignId().isPresent()) {
            CampaignCatalog.Health health = campaigns.health();
            if (!health.isCurrent()) {
                return EdgeVerdict.unavailable("the campaign's protections cannot be checked now (campaign catalog "
                        + health.state() + ")");
            }
        }
        Optional<CampaignProtections> named = params.campaignId().flatMap(campaigns::protections);
        if (named.isEmpty()) {
            return EdgeVerdict.allowed(null);
        }
        CampaignProtections protections = named.get();
        Campaign campaign = protections.campaign();
        if (!protections.allowsAddress(clientIp)) {
            return EdgeVerdict.refused(RejectionReason.IP_NOT_ALLOWED,
                    clientIp + " is not an allowed address of campaign " + campaign.getCampaignId(), 403);
        }
        boolean verified = false;
        RequestSignature.Claim signature = RequestSignature.Claim.NONE;
        if (campaign.getSigningSecret() != null) {
            RequestSignature.Check check = signatures.verify(campaign.getSigningSecret(), request.getMethod(),
                    request.getRequestURI(), request.getQueryString(), body,
                    request.getHeader(RequestSignature.TIMESTAMP_HEADER), request.getHeader(RequestSignature.SIGNATURE_HEADER));
            if (check.inFlight()) {
                return EdgeVerdict.unavailable(check.problem());
            }
            if (check.problem() != null) {
                return EdgeVerdict.refused(RejectionReason.INVALID_TOKEN, check.problem(), 401);
            }
            signature = check.claim();
            verified = true;
        }
        if (protections.hasSecurityToken()) {
            if (!protections.matchesTokenDigest(token.digest())) {
                return EdgeVerdict.refused(RejectionReason.INVALID_TOKEN,
                        "security_token missing or wrong for campaign " + campaign.getCampaignId(), 401)
                        .claiming(signature);
            }
            verified = true;
        }
        return EdgeVerdict.allowed(verified ? campaign.getCampaignId() : null).claiming(signature);
    }
}

package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.campaigns.IpAllowList;
import io.attribution.campaigns.SecurityToken;
import io.attribution.postback.PostbackParameters;

/**
 * The campaign's own protections, checked once the click tells which campaign a postback is for.
 * Ingest checks the same synchronously when the postback names its campaign; this is the check
 * that cannot be skipped by leaving the campaign out.
 */
final class SecurityRules {

    private SecurityRules() {
    }

    static void require(RawPostback postback, PostbackParameters params, Campaign campaign) throws RejectedByRule {
        boolean verifiedAtEdge = campaign.getCampaignId().equals(postback.getAuthenticatedCampaignId());
        if (campaign.getSigningSecret() != null && !verifiedAtEdge) {
            throw new RejectedByRule(RejectionReason.INVALID_TOKEN,
                    "campaign " + campaign.getCampaignId() + " only takes signed postbacks naming it");
        }
        if (campaign.getSecurityToken() != null && !verifiedAtEdge
                && !SecurityToken.matchesDigest(params.securityToken().orElse(null), campaign.getSecurityToken())) {
            throw new RejectedByRule(RejectionReason.INVALID_TOKEN,
                    "security_token missing or wrong for campaign " + campaign.getCampaignId());
        }
        String clientIp = postback.getClientIp() != null ? postback.getClientIp() : postback.getRemoteAddr();
        IpAllowList allowList;
        try {
            allowList = IpAllowList.of(campaign.getAllowedIps());
        } catch (IllegalArgumentException e) {
            // Fail closed: a broken allow-list must not let every address in.
            throw new RejectedByRule(RejectionReason.IP_NOT_ALLOWED,
                    "campaign " + campaign.getCampaignId() + " has an invalid allow-list: " + e.getMessage());
        }
        if (!allowList.allows(clientIp)) {
            throw new RejectedByRule(RejectionReason.IP_NOT_ALLOWED,
                    clientIp + " is not an allowed address of campaign " + campaign.getCampaignId());
        }
    }
}

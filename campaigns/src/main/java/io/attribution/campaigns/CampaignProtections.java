package io.attribution.campaigns;

import io.attribution.avro.Campaign;

import java.nio.charset.StandardCharsets;

/**
 * A campaign with its protections in the form the edge checks them: the address allow-list parsed
 * and the security token's digest computed once per version of the campaign, not once per postback.
 */
public final class CampaignProtections {

    private final Campaign campaign;
    /** Null when the list does not parse: such a campaign allows no address (fails closed). */
    private final IpAllowList allowList;
    /** Null when the campaign has no security token. */
    private final byte[] tokenDigest;

    private CampaignProtections(Campaign campaign, IpAllowList allowList, byte[] tokenDigest) {
        this.campaign = campaign;
        this.allowList = allowList;
        this.tokenDigest = tokenDigest;
    }

    public static CampaignProtections of(Campaign campaign) {
        IpAllowList allowList;
        try {
            allowList = IpAllowList.of(campaign.getAllowedIps());
        } catch (IllegalArgumentException brokenList) {
            allowList = null;
        }
        String token = campaign.getSecurityToken();
        return new CampaignProtections(campaign, allowList,
                token == null ? null : SecurityToken.digest(token).getBytes(StandardCharsets.UTF_8));
    }

    public Campaign campaign() {
        return campaign;
    }

    /** Whether the campaign's allow-list lets {@code clientIp} in; never when the list is broken. */
    public boolean allowsAddress(String clientIp) {
        return allowList != null && allowList.allows(clientIp);
    }

    public boolean hasSecurityToken() {
        return tokenDigest != null;
    }

    /**
     * Whether a presented token, given as its {@link SecurityToken#digest}, is the campaign's: what
     * {@link SecurityToken#matches} tells, in constant time, with the campaign's digest computed once.
     */
    public boolean matchesTokenDigest(String presentedDigest) {
        return tokenDigest != null && SecurityToken.sameDigest(presentedDigest, tokenDigest);
    }
}

package io.attribution.campaigns;

import io.attribution.avro.Campaign;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CampaignProtectionsTest {

    private static Campaign campaign(String token, List<String> allowedIps) {
        return Campaign.newBuilder().setCampaignId("c1").setAdvertiserId("adv").setGoals(List.of())
                .setSecurityToken(token).setAllowedIps(allowedIps).build();
    }

    @Test
    void allowsWhatTheAllowListAllows() {
        CampaignProtections protections = CampaignProtections.of(campaign(null, List.of("10.0.0.0/8", "::1")));

        assertThat(protections.allowsAddress("10.1.2.3")).isTrue();
        assertThat(protections.allowsAddress("::1")).isTrue();
        assertThat(protections.allowsAddress("192.168.0.1")).isFalse();
        assertThat(protections.allowsAddress("not-an-ip")).isFalse();
    }

    @Test
    void anEmptyAllowListAllowsEveryAddress() {
        assertThat(CampaignProtections.of(campaign(null, List.of())).allowsAddress("203.0.113.9")).isTrue();
    }

    @Test
    void aBrokenAllowListAllowsNoAddress() {
        CampaignProtections protections = CampaignProtections.of(campaign(null, List.of("10.0.0.0/8", "nonsense")));

        assertThat(protections.allowsAddress("10.1.2.3")).isFalse();
    }

    @Test
    void matchesTheDigestOfTheCampaignsTokenOnly() {
        CampaignProtections protections = CampaignProtections.of(campaign("s3cret", List.of()));

        assertThat(protections.hasSecurityToken()).isTrue();
        assertThat(protections.matchesTokenDigest(SecurityToken.digest("s3cret"))).isTrue();
        assertThat(protections.matchesTokenDigest(SecurityToken.digest("s3cret "))).isFalse();
        assertThat(protections.matchesTokenDigest("s3cret")).isFalse();
        assertThat(protections.matchesTokenDigest(null)).isFalse();
    }

    @Test
    void aCampaignWithoutTokenMatchesNone() {
        CampaignProtections protections = CampaignProtections.of(campaign(null, List.of()));

        assertThat(protections.hasSecurityToken()).isFalse();
        assertThat(protections.matchesTokenDigest(SecurityToken.digest(""))).isFalse();
    }
}

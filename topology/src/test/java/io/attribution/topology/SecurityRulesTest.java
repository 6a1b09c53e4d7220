package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.RawPostback;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.campaigns.SecurityToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.attribution.topology.Fixtures.NOW;
import static io.attribution.topology.Fixtures.campaign;
import static io.attribution.topology.Fixtures.click;
import static io.attribution.topology.Fixtures.fixedGoal;
import static io.attribution.topology.Fixtures.postback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** A campaign's token, signature and address rules hold even when the postback does not name it. */
class SecurityRulesTest {

    private static final Goal INSTALL = fixedGoal("g-install", "install", "1.50", "2.00");

    private TopologyHarness topology;

    @BeforeEach
    void start() {
        topology = new TopologyHarness(AttributionSettings.defaults().withUnknownClickGrace(Duration.ZERO), NOW);
        topology.click(click("click-1", "camp-1", NOW.minusSeconds(60)));
    }

    @AfterEach
    void stop() {
        topology.close();
    }

    private void given(Campaign.Builder campaign) {
        // ALLOW: several postbacks of one click, so each one shows its own security outcome.
        topology.campaign(campaign.setDefaultGoalId("g-install").setMultiConversion(MultiConversionMode.ALLOW).build());
    }

    @Test
    void tokenCampaignTakesOnlyTheRightTokenAndNeverPassesItOn() {
        given(campaign("camp-1", INSTALL).setSecurityToken("s3cret"));

        topology.postback(postback("click-1", NOW, "txn_id", "no-token"));
        topology.postback(postback("click-1", NOW, "txn_id", "wrong", "security_token", SecurityToken.digest("guess")));
        topology.postback(postback("click-1", NOW, "txn_id", "clear-text", "security_token", "s3cret"));
        topology.postback(postback("click-1", NOW, "txn_id", "right", "security_token", SecurityToken.digest("s3cret")));

        AttributedConversion conversion = topology.attributed.readValue();
        assertThat(conversion.getTxnId()).isEqualTo("right");
        assertThat(conversion.getParams()).doesNotContainKey("security_token");
        assertThat(topology.attributed.isEmpty()).isTrue();
        assertThat(topology.rejected.readValuesToList()).extracting(RejectedPostback::getReason)
                .containsOnly(RejectionReason.INVALID_TOKEN).hasSize(3);
    }

    @Test
    void aPostbackIngestVerifiedForTheCampaignNeedsNoTokenHere() {
        given(campaign("camp-1", INSTALL).setSecurityToken("s3cret").setSigningSecret("k"));
        RawPostback verified = postback("click-1", NOW);
        verified.setAuthenticatedCampaignId("camp-1");
        RawPostback verifiedForAnother = postback("click-1", NOW, "sub2", "other");
        verifiedForAnother.setAuthenticatedCampaignId("camp-other");

        topology.postback(verified);
        topology.postback(verifiedForAnother);

        assertThat(topology.attributed.readValue().getRequestId()).isEqualTo(verified.getRequestId());
        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.INVALID_TOKEN);
    }

    @Test
    void signedCampaignRejectsWhatIngestDidNotVerify() {
        given(campaign("camp-1", INSTALL).setSigningSecret("k"));

        topology.postback(postback("click-1", NOW));

        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.INVALID_TOKEN);
    }

    @Test
    void addressesOutsideTheAllowListAreRejectedIpv4AndIpv6() {
        given(campaign("camp-1", INSTALL).setAllowedIps(List.of("203.0.113.0/24", "2001:db8::/32", "198.51.100.7")));

        for (String address : List.of("203.0.113.200", "2001:db8::1", "198.51.100.7", "198.51.100.8", "2001:db9::1",
                "not-an-ip")) {
            RawPostback postback = postback("click-1", NOW, "sub2", address);
            postback.setClientIp(address);
            topology.postback(postback);
        }

        assertThat(topology.attributed.readValuesToList()).extracting(c -> c.getParams().get("sub2"))
                .containsExactly("203.0.113.200", "2001:db8::1", "198.51.100.7");
        assertThat(topology.rejected.readValuesToList()).extracting(RejectedPostback::getReason)
                .containsOnly(RejectionReason.IP_NOT_ALLOWED).hasSize(3);
    }

    @Test
    void theAllowListAppliesToTheRemoteAddressWhenIngestGaveNoClientAddress() {
        given(campaign("camp-1", INSTALL).setAllowedIps(List.of("10.0.0.0/8")));

        topology.postback(postback("click-1", NOW)); // remote_addr 203.0.113.9 in the fixture

        assertThat(topology.rejected.readValue().getReason()).isEqualTo(RejectionReason.IP_NOT_ALLOWED);
    }

    @Test
    void aRequestIngestRefusedIsRecordedAsRejectedAndNeverAttributed() {
        given(campaign("camp-1", INSTALL));
        RawPostback refused = postback("click-1", NOW);
        refused.setEdgeRejection(RejectionReason.IP_NOT_ALLOWED);
        refused.setEdgeRejectionDetail("192.0.2.1 is not allowed");

        topology.postback(refused);

        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.IP_NOT_ALLOWED);
        assertThat(rejection.getDetail()).isEqualTo("192.0.2.1 is not allowed");
        assertThat(topology.attributed.isEmpty()).isTrue();
    }

    @Test
    void anEdgeRefusalNamesItsCampaignAndTheClicksAffiliate() {
        given(campaign("camp-1", INSTALL).setSecurityToken("s3cret"));

        topology.postback(refusedAtTheEdge(postback("click-1", NOW, "campaign_id", "camp-1")));

        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.INVALID_TOKEN);
        assertThat(rejection.getCampaignId()).isEqualTo("camp-1");
        assertThat(rejection.getAffiliateId()).isEqualTo("aff-7");
    }

    @Test
    void anEdgeRefusalNamingAnotherCampaignThanTheClicksCountsForNoAffiliate() {
        given(campaign("camp-1", INSTALL));
        topology.campaign(campaign("camp-2", INSTALL).setDefaultGoalId("g-install").setSecurityToken("s3cret").build());

        // A forged postback naming camp-2 for a click of camp-1: it must not count against aff-7.
        topology.postback(refusedAtTheEdge(postback("click-1", NOW, "campaign_id", "camp-2")));

        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getCampaignId()).isEqualTo("camp-2");
        assertThat(rejection.getAffiliateId()).isNull();
    }

    @Test
    void anEdgeRefusalForAClickNotYetKnownIsRejectedAtOnceForItsCampaign() {
        topology.close();
        topology = new TopologyHarness(AttributionSettings.defaults(), NOW);
        given(campaign("camp-1", INSTALL).setSecurityToken("s3cret"));

        topology.postback(refusedAtTheEdge(postback("not-yet-clicked", NOW, "campaign_id", "camp-1")));

        // Never held for a late click: refused requests must not fill the pending store.
        RejectedPostback rejection = topology.rejected.readValue();
        assertThat(rejection.getReason()).isEqualTo(RejectionReason.INVALID_TOKEN);
        assertThat(rejection.getCampaignId()).isEqualTo("camp-1");
        assertThat(rejection.getAffiliateId()).isNull();
    }

    @Test
    void anEdgeRefusalWithoutClickIdOrWithAMalformedCampaignIdIsStillRecorded() {
        given(campaign("camp-1", INSTALL));
        RawPostback noClick = postback("", NOW);
        noClick.getQueryParams().remove("click_id");
        noClick.setEdgeRejection(RejectionReason.MISSING_CLICK_ID);
        RawPostback badCampaign = postback("click-1", NOW, "campaign_id", "x".repeat(1_000));
        badCampaign.setEdgeRejection(RejectionReason.MALFORMED);

        topology.postback(noClick);
        topology.postback(badCampaign);

        assertThat(topology.rejected.readRecordsToList()).extracting(r -> r.key(), r -> r.value().getReason(),
                        r -> r.value().getCampaignId())
                .containsExactly(tuple(noClick.getRequestId(), RejectionReason.MISSING_CLICK_ID, null),
                        tuple("click-1", RejectionReason.MALFORMED, null));
    }

    private static RawPostback refusedAtTheEdge(RawPostback postback) {
        postback.setEdgeRejection(RejectionReason.INVALID_TOKEN);
        postback.setEdgeRejectionDetail("wrong security_token for campaign");
        return postback;
    }
}

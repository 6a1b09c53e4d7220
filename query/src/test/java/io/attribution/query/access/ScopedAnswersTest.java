package io.attribution.query.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.query.endpoints.NotFound;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopedAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AccessScope ACME = AccessScope.advertiser("acme");
    private static final AccessScope AFF_7 = AccessScope.affiliate("aff-7");
    private static final CampaignOwners OWNERS = new CampaignOwners() {
        private final Map<String, String> owners = Map.of("shoes", "acme", "hats", "globex");

        @Override
        public Optional<String> advertiserOf(String campaignId) {
            return Optional.ofNullable(owners.get(campaignId));
        }

        @Override
        public boolean current() {
            return true;
        }
    };

    @Test
    void pathSubjectsAreAdmittedOnlyForTheirOwner() {
        assertThatCode(() -> ScopedAnswers.admit("/stats/campaigns", "/shoes", ACME, OWNERS)).doesNotThrowAnyException();
        assertThatCode(() -> ScopedAnswers.admit("/stats/goals", "/shoes/sale", ACME, OWNERS)).doesNotThrowAnyException();
        assertThatCode(() -> ScopedAnswers.admit("/campaigns", "/shoes/rejections", ACME, OWNERS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/campaigns", "/hats", ACME, OWNERS))
                .isInstanceOf(Forbidden.class).hasMessageContaining("hats");
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/campaigns", "/unknown", ACME, OWNERS))
                .isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> ScopedAnswers.admit("/campaigns", "/hats/rejections", ACME, OWNERS))
                .isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/affiliates", "/aff-7", ACME, OWNERS))
                .isInstanceOf(Forbidden.class);

        assertThatCode(() -> ScopedAnswers.admit("/stats/affiliates", "/aff-7", AFF_7, OWNERS)).doesNotThrowAnyException();
        assertThatCode(() -> ScopedAnswers.admit("/campaigns", "/hats/rejections", AFF_7, OWNERS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/affiliates", "/aff-8", AFF_7, OWNERS))
                .isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/campaigns", "/shoes", AFF_7, OWNERS))
                .isInstanceOf(Forbidden.class).hasMessageContaining("/stats/affiliates/aff-7");
    }

    @Test
    void aSub1BreakdownIsTheCampaignsAdvertisersAndTheAffiliatesOnAnyCampaign() {
        assertThatCode(() -> ScopedAnswers.admit("/stats/sub1", "/shoes/aff-7", ACME, OWNERS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/sub1", "/hats/aff-7", ACME, OWNERS))
                .isInstanceOf(Forbidden.class);
        assertThatCode(() -> ScopedAnswers.admit("/stats/sub1", "/hats/aff-7", AFF_7, OWNERS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/sub1", "/shoes/aff-8", AFF_7, OWNERS))
                .isInstanceOf(Forbidden.class).hasMessageContaining("aff-8");
        assertThatThrownBy(() -> ScopedAnswers.admit("/stats/sub1", "/shoes", AFF_7, OWNERS))
                .isInstanceOf(Forbidden.class);
    }

    @Test
    void anEndpointWithoutARuleIsClosedToScopedTokensOnly() {
        assertThatThrownBy(() -> ScopedAnswers.admit("/new-endpoint", "/x", ACME, OWNERS)).isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> ScopedAnswers.admit("/new-endpoint", "/x", AFF_7, OWNERS)).isInstanceOf(Forbidden.class);
        assertThatCode(() -> ScopedAnswers.admit("/new-endpoint", "/x", AccessScope.all(), OWNERS)).doesNotThrowAnyException();
    }

    @Test
    void aClickIsItsCampaignsAdvertisersAndItsAffiliates() throws Exception {
        ObjectNode click = json("{\"click_id\": \"c1\", \"click\": {\"campaign_id\": \"shoes\", \"affiliate_id\": \"aff-7\"}}");
        assertThat(ScopedAnswers.restrict(click.deepCopy(), ACME, OWNERS)).isEqualTo(click);
        assertThat(ScopedAnswers.restrict(click.deepCopy(), AFF_7, OWNERS)).isEqualTo(click);
        assertThatThrownBy(() -> ScopedAnswers.restrict(click.deepCopy(), AccessScope.advertiser("globex"), OWNERS))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> ScopedAnswers.restrict(click.deepCopy(), AccessScope.affiliate("aff-8"), OWNERS))
                .isInstanceOf(NotFound.class);
    }

    @Test
    void listsKeepTheTokensRowsAndAnAffiliateLosesWhatTheAdvertiserSent() throws Exception {
        ObjectNode conversions = json("{\"click_id\": \"c1\", \"conversions\": ["
                + "{\"advertiser_id\": \"acme\", \"affiliate_id\": \"aff-7\", \"payout\": \"1.00\", \"revenue\": \"2.00\", \"params\": {\"token\": [\"x\"]}},"
                + "{\"advertiser_id\": \"globex\", \"affiliate_id\": \"aff-8\", \"payout\": \"3.00\", \"revenue\": \"4.00\", \"params\": {}}]}");

        ObjectNode acme = ScopedAnswers.restrict(conversions.deepCopy(), ACME, OWNERS);
        assertThat(acme.get("conversions")).singleElement().satisfies(c -> {
            assertThat(c.get("advertiser_id").asText()).isEqualTo("acme");
            assertThat(c.has("params")).isTrue();
        });
        ObjectNode affiliate = ScopedAnswers.restrict(conversions.deepCopy(), AFF_7, OWNERS);
        assertThat(affiliate.get("conversions")).singleElement().satisfies(c -> {
            assertThat(c.get("payout").asText()).isEqualTo("1.00");
            assertThat(c.has("params")).isFalse();
            assertThat(c.has("revenue")).isFalse();
        });

        ObjectNode rejections = json("{\"campaign_id\": \"shoes\", \"rejections\": ["
                + "{\"campaign_id\": \"shoes\", \"affiliate_id\": \"aff-7\", \"postback\": {\"query_params\": {}}},"
                + "{\"campaign_id\": \"shoes\", \"affiliate_id\": \"aff-8\", \"postback\": {\"query_params\": {}}}]}");
        assertThat(ScopedAnswers.restrict(rejections.deepCopy(), ACME, OWNERS).get("rejections")).hasSize(2);
        assertThat(ScopedAnswers.restrict(rejections.deepCopy(), AFF_7, OWNERS).get("rejections")).singleElement()
                .satisfies(r -> assertThat(r.has("postback")).isFalse());
    }

    @Test
    void aTxnIdWithNoneOfTheTokensConversionsIsUnknown() throws Exception {
        ObjectNode txn = json("{\"txn_id\": \"o-1\", \"conversions\": [{\"advertiser_id\": \"globex\", \"affiliate_id\": \"aff-8\"}]}");
        assertThatThrownBy(() -> ScopedAnswers.restrict(txn.deepCopy(), ACME, OWNERS)).isInstanceOf(NotFound.class);
        assertThat(ScopedAnswers.restrict(txn.deepCopy(), AccessScope.advertiser("globex"), OWNERS).get("conversions")).hasSize(1);
    }

    @Test
    void aPendingPostbackIsTheAdvertisersWhoseCampaignItNamesAndNoAffiliates() throws Exception {
        ObjectNode named = json("{\"request_id\": \"r1\", \"state\": \"PENDING\", \"postback\": "
                + "{\"query_params\": {\"campaign_id\": [\"shoes\"]}, \"body_params\": {}}}");
        assertThat(ScopedAnswers.restrict(named.deepCopy(), ACME, OWNERS)).isEqualTo(named);
        assertThatThrownBy(() -> ScopedAnswers.restrict(named.deepCopy(), AccessScope.advertiser("globex"), OWNERS))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> ScopedAnswers.restrict(named.deepCopy(), AFF_7, OWNERS)).isInstanceOf(NotFound.class);

        ObjectNode authenticated = json("{\"request_id\": \"r2\", \"state\": \"PENDING\", \"postback\": "
                + "{\"authenticated_campaign_id\": \"hats\", \"query_params\": {\"campaign_id\": [\"shoes\"]}, \"body_params\": {}}}");
        assertThatThrownBy(() -> ScopedAnswers.restrict(authenticated.deepCopy(), ACME, OWNERS))
                .as("the campaign its token was checked for wins over the one it names").isInstanceOf(NotFound.class);
    }

    @Test
    void aDecidedPostbackFollowsItsConversionOrRejection() throws Exception {
        ObjectNode attributed = json("{\"request_id\": \"r1\", \"state\": \"ATTRIBUTED\", \"conversion\": "
                + "{\"advertiser_id\": \"acme\", \"affiliate_id\": \"aff-7\", \"revenue\": \"2.00\", \"params\": {}}}");
        assertThat(ScopedAnswers.restrict(attributed.deepCopy(), ACME, OWNERS).get("conversion").has("params")).isTrue();
        assertThat(ScopedAnswers.restrict(attributed.deepCopy(), AFF_7, OWNERS).get("conversion").has("revenue")).isFalse();
        assertThatThrownBy(() -> ScopedAnswers.restrict(attributed.deepCopy(), AccessScope.affiliate("aff-8"), OWNERS))
                .isInstanceOf(NotFound.class);

        ObjectNode rejected = json("{\"request_id\": \"r2\", \"state\": \"REJECTED\", \"rejection\": "
                + "{\"campaign_id\": \"hats\", \"affiliate_id\": \"aff-7\", \"postback\": {}}}");
        assertThatThrownBy(() -> ScopedAnswers.restrict(rejected.deepCopy(), ACME, OWNERS)).isInstanceOf(NotFound.class);
        assertThat(ScopedAnswers.restrict(rejected.deepCopy(), AFF_7, OWNERS).get("rejection").has("postback")).isFalse();
    }

    @Test
    void anAffiliatesStatsLeaveOutTheRevenueAnAdvertisersKeepIt() throws Exception {
        ObjectNode stats = json("{\"dimension\": \"affiliate\", \"id\": \"aff-7\","
                + " \"total\": {\"payout\": {\"USD\": \"1.00\"}, \"revenue\": {\"USD\": \"2.00\"}},"
                + " \"buckets\": [{\"payout\": {\"USD\": \"1.00\"}, \"revenue\": {\"USD\": \"2.00\"}}],"
                + " \"subs\": [{\"sub1\": \"a\", \"revenue\": {}}], \"rest\": {\"revenue\": {}},"
                + " \"no_sub1\": {\"revenue\": {}}}");

        ObjectNode affiliate = ScopedAnswers.restrict(stats.deepCopy(), AFF_7, OWNERS);
        assertThat(affiliate.findValues("revenue")).isEmpty();
        assertThat(affiliate.at("/total/payout/USD").asText()).isEqualTo("1.00");
        assertThat(affiliate.at("/buckets/0/payout/USD").asText()).isEqualTo("1.00");
        assertThat(ScopedAnswers.restrict(stats.deepCopy(), ACME, OWNERS)).isEqualTo(stats);
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }
}

package io.attribution.postback;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tracking link's parameters: the names networks use, read as postback parameters are. */
class ClickParametersTest {

    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource({"campaign_id, affiliate_id", "offer_id, aff_id", "campaign, affiliate", "camp_id, aff_id"})
    void campaignAndAffiliateComeUnderEveryAlias(String campaignName, String affiliateName) {
        ClickParameters click = ClickParameters.of(Map.of(campaignName, List.of("c-1"), affiliateName, List.of("a-1")));

        assertThat(click.campaignId()).isEqualTo("c-1");
        assertThat(click.affiliateId()).isEqualTo("a-1");
    }

    @Test
    void theSameValueUnderTwoNamesIsFineButTwoValuesAreRefused() {
        assertThat(ClickParameters.of(Map.of("campaign_id", List.of("c"), "offer_id", List.of("c"))).campaignId())
                .isEqualTo("c");
        assertThatThrownBy(() -> ClickParameters.of(Map.of("aff_id", List.of("a"), "affiliate", List.of("b")))
                .affiliateId()).isInstanceOfSatisfying(InvalidParameterException.class,
                e -> assertThat(e.parameter()).isEqualTo("affiliate_id"));
    }

    @Test
    void aMissingOrUnfilledIdIsNamed() {
        assertThatThrownBy(() -> ClickParameters.of(Map.of("affiliate_id", List.of("a"))).campaignId())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.isMissing()).isTrue();
                    assertThat(e.parameter()).isEqualTo("campaign_id");
                });
        assertThatThrownBy(() -> ClickParameters.of(Map.of("aff_id", List.of("{aff_id}"))).affiliateId())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.isMissing()).isFalse());
    }

    @Test
    void onlySub1ToSub15AreKeptTheFirstNonBlankValueEachAsSent() {
        ClickParameters click = ClickParameters.of(Map.of(
                "sub1", List.of(" ", "first", "second"), "sub15", List.of("{sub15}"), "sub16", List.of("x"),
                "sub0", List.of("y"), "other", List.of("z")));

        assertThat(click.subs()).containsExactly(Map.entry("sub1", "first"), Map.entry("sub15", "{sub15}"));
    }

    @Test
    void anOversizedSubIsRefusedNamingIt() {
        ClickParameters click = ClickParameters.of(Map.of("sub3", List.of("x".repeat(PostbackParameters.MAX_VALUE_BYTES + 1))));

        assertThatThrownBy(click::subs).isInstanceOfSatisfying(InvalidParameterException.class,
                e -> assertThat(e.parameter()).isEqualTo("sub3"));
    }

    @Test
    void theFirstFiveSubsComeUnderHasOffersAndCakeNamesTooTheCanonicalNameWinning() {
        ClickParameters click = ClickParameters.of(Map.of(
                "aff_sub", List.of("from-aff-sub"), "aff_sub2", List.of("two"), "s3", List.of("three"),
                "sub4", List.of("canonical"), "aff_sub4", List.of("alias"), "aff_sub6", List.of("not-a-name"),
                "s5", List.of(" "), "aff_sub5", List.of("five")));

        assertThat(click.subs()).containsExactly(Map.entry("sub1", "from-aff-sub"), Map.entry("sub2", "two"),
                Map.entry("sub3", "three"), Map.entry("sub4", "canonical"), Map.entry("sub5", "five"));
    }
}

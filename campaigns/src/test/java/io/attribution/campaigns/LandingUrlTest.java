package io.attribution.campaigns;

import io.attribution.avro.Campaign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Landing URL templates: which are accepted, and how /click fills their macros. */
class LandingUrlTest {

    @Test
    void everyMacroIsFilledUrlEncodedAndAbsentOnesAreEmpty() {
        String template = "https://shop.example/{campaign_id}/land?c={click_id}&a={affiliate_id}&s1={sub1}"
                + "&s2={sub2}&s15={sub15}&keep={not_ours_but_braced}";

        String filled = LandingUrl.fill(template.replace("&keep={not_ours_but_braced}", ""), Map.of(
                "click_id", "AbC-_09", "campaign_id", "camp 1", "affiliate_id", "aff/2",
                "sub1", "a&b=c?d#e", "sub15", "été ü+"));

        assertThat(filled).isEqualTo("https://shop.example/camp%201/land?c=AbC-_09&a=aff%2F2"
                + "&s1=a%26b%3Dc%3Fd%23e&s2=&s15=%C3%A9t%C3%A9%20%C3%BC%2B");
        assertThat(URI.create(filled).getQuery()).isEqualTo("c=AbC-_09&a=aff/2&s1=a&b=c?d#e&s2=&s15=été ü+");
    }

    @Test
    void aTemplateWithoutMacrosIsLeftAsItIs() {
        assertThat(LandingUrl.fill("https://shop.example/a?b=c", Map.of("click_id", "x")))
                .isEqualTo("https://shop.example/a?b=c");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://shop.example/", "http://127.0.0.1:8080/x?c={click_id}",
            "HTTPS://Shop.Example/{sub1}/{sub15}?a={affiliate_id}&c={campaign_id}#frag",
            "https://shop.example/p?c={click_id}&literal=%7Bx%7D"})
    void absoluteHttpUrlsWithKnownMacrosAreAccepted(String template) {
        assertThat(LandingUrl.problem(template)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "/relative?c={click_id}", "shop.example/land", "ftp://shop.example/",
            "javascript:alert(1)", "mailto:a@b.example", "https:///no-host", "https://shop example/",
            "https://shop.example/?c={clickid}", "https://shop.example/?s={sub16}", "https://shop.example/{SUB1}"})
    void everythingElseIsRefusedSayingWhy(String template) {
        assertThat(LandingUrl.problem(template)).hasValueSatisfying(problem -> assertThat(problem).isNotBlank());
    }

    @Test
    void aTooLongTemplateIsRefused() {
        assertThat(LandingUrl.problem("https://shop.example/?p=" + "x".repeat(LandingUrl.MAX_LENGTH)))
                .hasValueSatisfying(problem -> assertThat(problem).contains("at most"));
    }

    @Test
    void anAffiliatesOverrideWinsOverTheCampaignsUrl() {
        Campaign campaign = Campaign.newBuilder().setCampaignId("c").setAdvertiserId("a").setGoals(List.of())
                .setLandingUrl("https://all.example/").setAffiliateLandingUrls(Map.of("vip", "https://vip.example/"))
                .build();
        Campaign withoutUrl = Campaign.newBuilder(campaign).setLandingUrl(null).build();

        assertThat(LandingUrl.templateFor(campaign, "vip")).hasValue("https://vip.example/");
        assertThat(LandingUrl.templateFor(campaign, "other")).hasValue("https://all.example/");
        assertThat(LandingUrl.templateFor(withoutUrl, "other")).isEmpty();
        assertThat(LandingUrl.templateFor(withoutUrl, "vip")).hasValue("https://vip.example/");
    }

    @Test
    void aCampaignWithABadLandingUrlBreaksARuleNamingTheField() {
        Campaign.Builder campaign = Campaign.newBuilder().setCampaignId("c").setAdvertiserId("a").setGoals(List.of());

        assertThat(CampaignRules.violation(campaign.setLandingUrl("ftp://x.example/").build()))
                .hasValueSatisfying(v -> assertThat(v.field()).isEqualTo("landing_url"));
        assertThat(CampaignRules.violation(campaign.setLandingUrl(null)
                .setAffiliateLandingUrls(Map.of("aff-1", "nope")).build()))
                .hasValueSatisfying(v -> assertThat(v.field()).isEqualTo("affiliate_landing_urls.aff-1"));
        assertThat(CampaignRules.violation(campaign.setAffiliateLandingUrls(Map.of()).build())).isEmpty();
    }
}

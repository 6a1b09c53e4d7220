package io.attribution.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.MultiConversionMode;
import io.attribution.avro.PayoutType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CampaignJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALID = """
            {"campaign_id": "c-1", "advertiser_id": "adv-1", "name": "Shoes", "time_zone": "Europe/Paris",
             "currency": "eur", "security_token": "t0ken", "allowed_ips": ["203.0.113.0/24", "2001:db8::/32"],
             "default_goal_id": "sale", "multi_conversion": "unique_txn",
             "landing_url": "https://shop.example/p?cid={click_id}&s1={sub1}",
             "affiliate_landing_urls": {"aff-9": "http://aff9.example/{click_id}"},
             "goals": [{"goal_id": "sale", "value": "purchase", "payout_type": "PERCENT", "payout": "7.5",
                        "revenue": 2, "daily_cap": 100}]}
            """;

    @Test
    void readsEveryFieldWithDefaults() throws Exception {
        Campaign campaign = CampaignJson.read(JSON.readTree(VALID));

        assertThat(campaign.getCurrency()).isEqualTo("EUR");
        assertThat(campaign.getTimeZone()).isEqualTo("Europe/Paris");
        assertThat(campaign.getStatus()).isEqualTo(ActivityStatus.ACTIVE);
        assertThat(campaign.getAttributionWindowDays()).isEqualTo(30);
        assertThat(campaign.getMultiConversion()).isEqualTo(MultiConversionMode.UNIQUE_TXN);
        assertThat(campaign.getAllowedIps()).containsExactly("203.0.113.0/24", "2001:db8::/32");
        assertThat(campaign.getLandingUrl()).isEqualTo("https://shop.example/p?cid={click_id}&s1={sub1}");
        assertThat(campaign.getAffiliateLandingUrls()).containsExactly(
                java.util.Map.entry("aff-9", "http://aff9.example/{click_id}"));
        assertThat(campaign.getGoals()).singleElement().satisfies(goal -> {
            assertThat(goal.getPayoutType()).isEqualTo(PayoutType.PERCENT);
            assertThat(goal.getPayout()).isEqualByComparingTo("7.5");
            assertThat(goal.getRevenueType()).isEqualTo(PayoutType.FIXED);
            assertThat(goal.getDailyCap()).isEqualTo(100);
            assertThat(goal.getMonthlyCap()).isNull();
        });
    }

    @Test
    void writingHidesSecretsAndRoundTripsTheRest() throws Exception {
        Campaign campaign = CampaignJson.read(JSON.readTree(VALID));

        JsonNode written = CampaignJson.write(campaign);

        assertThat(written.get("security_token").asText()).isEqualTo("***");
        assertThat(written.toString()).doesNotContain("t0ken");
        ((com.fasterxml.jackson.databind.node.ObjectNode) written).put("security_token", "t0ken");
        assertThat(CampaignJson.read(written)).isEqualTo(campaign);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown field              | \"advertiser_id\": \"adv-1\",            | \"advertiser_id\": \"adv-1\", \"x\": 1, | x",
            "blank campaign id          | \"campaign_id\": \"c-1\"                 | \"campaign_id\": \" \"      | campaign_id",
            "bad currency               | \"currency\": \"eur\"                    | \"currency\": \"EURO\"      | currency",
            "bad zone                   | \"Europe/Paris\"                         | \"Mars/Olympus\"            | time_zone",
            "bad CIDR                   | \"203.0.113.0/24\"                       | \"203.0.113.0/99\"          | allowed_ips",
            "unknown default goal       | \"default_goal_id\": \"sale\"            | \"default_goal_id\": \"lead\" | default_goal_id",
            "bad mode                   | \"unique_txn\"                           | \"sometimes\"               | multi_conversion",
            "percent over 100           | \"payout\": \"7.5\"                      | \"payout\": \"150\"         | goals[0].payout",
            "negative revenue           | \"revenue\": 2                           | \"revenue\": -2             | goals[0].revenue",
            "amount not a number        | \"revenue\": 2                           | \"revenue\": \"two\"        | goals[0].revenue",
            "zero cap                   | \"daily_cap\": 100                       | \"daily_cap\": 0            | goals[0].daily_cap",
            "goal without value         | \"value\": \"purchase\",                 | \"value\": \"\",            | goals[0].value",
            "relative landing URL       | \"https://shop.example/p?cid=            | \"/p?cid=                  | landing_url",
            "ftp landing URL            | \"https://shop.example/p?cid=            | \"ftp://shop.example/p?cid= | landing_url",
            "landing URL without host   | \"https://shop.example/p?cid=            | \"https:///p?cid=          | landing_url",
            "unknown landing macro      | {sub1}\"                                 | {sub99}\"                  | landing_url",
            "not a URL                  | https://shop.example/p?cid=              | https://shop example/p?cid= | landing_url",
            "landing URL not a string   | \"landing_url\": \"https://shop.example/p?cid={click_id}&s1={sub1}\" | \"landing_url\": 7 | landing_url",
            "bad affiliate landing URL  | \"http://aff9.example/                   | \"mailto:aff9@example/     | affiliate_landing_urls.aff-9",
            "affiliate URLs not a map   | {\"aff-9\": \"http://aff9.example/{click_id}\"} | [\"x\"]          | affiliate_landing_urls",
    })
    void invalidFieldsAreNamed(String name, String from, String to, String field) throws Exception {
        String broken = VALID.replace(from.strip(), to.strip());
        assertThat(broken).as("test data").isNotEqualTo(VALID);

        assertThatThrownBy(() -> CampaignJson.read(JSON.readTree(broken)))
                .isInstanceOfSatisfying(InvalidCampaignException.class,
                        e -> assertThat(e.field()).startsWith(field));
    }

    @Test
    void missingAdvertiserIsNamed() throws Exception {
        String withoutAdvertiser = VALID.replace("\"advertiser_id\": \"adv-1\",", "");

        assertThatThrownBy(() -> CampaignJson.read(JSON.readTree(withoutAdvertiser)))
                .isInstanceOfSatisfying(InvalidCampaignException.class,
                        e -> assertThat(e.field()).isEqualTo("advertiser_id"));
    }

    @Test
    void duplicateGoalIdsAreRefused() throws Exception {
        String twoSales = VALID.replace("\"daily_cap\": 100}]", "\"daily_cap\": 100}, {\"goal_id\": \"sale\", "
                + "\"value\": \"x\", \"payout\": 1, \"revenue\": 1}]");

        assertThatThrownBy(() -> CampaignJson.read(JSON.readTree(twoSales)))
                .isInstanceOfSatisfying(InvalidCampaignException.class,
                        e -> assertThat(e.field()).isEqualTo("goals[1].goal_id"));
    }

    @Test
    void campaignFilesAreYamlOrJsonListsOrSingleCampaigns() throws Exception {
        String yaml = """
                campaigns:
                  - campaign_id: a
                    advertiser_id: adv
                    goals:
                      - {goal_id: install, value: install, payout: "1.50", revenue: "2.00"}
                  - campaign_id: b
                    advertiser_id: adv
                """;

        List<Campaign> fromYaml = CampaignFiles.read("campaigns.yaml",
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<Campaign> fromJson = CampaignFiles.read("one.json",
                new ByteArrayInputStream(VALID.getBytes(StandardCharsets.UTF_8)));

        assertThat(fromYaml).extracting(Campaign::getCampaignId).containsExactly("a", "b");
        assertThat(fromYaml.get(0).getGoals().get(0).getPayout()).isEqualByComparingTo("1.50");
        assertThat(fromJson).extracting(Campaign::getCampaignId).containsExactly("c-1");
    }

    @Test
    void anErrorInAFileNamesTheCampaignAndField() {
        String yaml = "- {campaign_id: a, advertiser_id: adv}\n- {campaign_id: b}\n";

        assertThatThrownBy(() -> CampaignFiles.read("c.yml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(InvalidCampaignException.class,
                        e -> assertThat(e.field()).isEqualTo("campaigns[1].advertiser_id"));
    }
}

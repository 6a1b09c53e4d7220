package io.attribution.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API on a real broker and registry: what it writes is what the campaigns topic holds. */
class AdminServerIT {

    private static final String TOKEN = "admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static AdminServer admin;

    @BeforeAll
    static void start() throws Exception {
        kit.createCompactedTopics(1, Topics.CAMPAIGNS.name());
        admin = AdminServer.start("127.0.0.1", 0, TOKEN, kit.bootstrapServers(), new RegistrySerdes(kit.registryUrl()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void everyCallNeedsTheAdminToken() throws Exception {
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(uri("campaigns")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(uri("campaigns"))
                .header("Authorization", "Bearer guess").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void createPauseAndChangeGoalsLandOnTheCampaignsTopic() throws Exception {
        HttpResponse<String> created = call("PUT", "campaigns/shoes", """
                {"advertiser_id": "adv-9", "name": "Shoes", "default_goal_id": "sale",
                 "goals": [{"goal_id": "sale", "value": "sale", "payout": "2.50", "revenue": "4"}]}""");
        HttpResponse<String> replaced = call("PUT", "campaigns/shoes", """
                {"advertiser_id": "adv-9", "name": "Shoes 2", "security_token": "s3cret-s3cret",
                 "goals": [{"goal_id": "sale", "value": "sale", "payout": "3", "revenue": "4"}]}""");
        HttpResponse<String> paused = call("POST", "campaigns/shoes/pause", null);
        HttpResponse<String> goalAdded = call("PUT", "campaigns/shoes/goals/lead",
                "{\"value\": \"lead\", \"payout\": \"1\", \"revenue\": \"1.5\", \"daily_cap\": 10}");
        HttpResponse<String> goalPaused = call("POST", "campaigns/shoes/goals/sale/pause", null);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(replaced.body()).get("security_token").asText()).isEqualTo("***");
        assertThat(JSON.readTree(paused.body()).get("status").asText()).isEqualTo("PAUSED");
        assertThat(goalAdded.statusCode()).as(goalAdded.body()).isEqualTo(200);
        assertThat(goalPaused.statusCode()).isEqualTo(200);

        Campaign latest = latestOnTopic("shoes");
        assertThat(latest.getName()).isEqualTo("Shoes 2");
        assertThat(latest.getSecurityToken()).isEqualTo("s3cret-s3cret");
        assertThat(latest.getStatus()).isEqualTo(ActivityStatus.PAUSED);
        assertThat(latest.getGoals()).extracting(g -> g.getGoalId() + ":" + g.getStatus())
                .containsExactlyInAnyOrder("sale:PAUSED", "lead:ACTIVE");
        assertThat(latest.getGoals().stream().filter(g -> g.getGoalId().equals("lead")).findFirst().orElseThrow()
                .getDailyCap()).isEqualTo(10);

        JsonNode list = JSON.readTree(call("GET", "campaigns", null).body()).get("campaigns");
        assertThat(list.findValuesAsText("campaign_id")).contains("shoes");
        JsonNode one = JSON.readTree(call("GET", "campaigns/shoes", null).body());
        assertThat(one.get("status").asText()).isEqualTo("PAUSED");
    }

    @Test
    void invalidCampaignIs400NamingTheFieldAndWritesNothing() throws Exception {
        HttpResponse<String> invalid = call("PUT", "campaigns/bad", """
                {"advertiser_id": "adv-9", "goals": [{"goal_id": "g", "value": "g", "payout": "-1", "revenue": "1"}]}""");
        HttpResponse<String> notJson = call("PUT", "campaigns/bad", "{not json");

        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(invalid.body());
        assertThat(error.get("error").asText()).isEqualTo("INVALID_CAMPAIGN");
        assertThat(error.get("field").asText()).isEqualTo("goals[0].payout");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(call("GET", "campaigns/bad", null).statusCode()).isEqualTo(404);
        assertThat(recordsOnTopic()).noneMatch(record -> record.key().equals("bad"));
    }

    @Test
    void aLandingUrlIsStoredAndShownAndABadOneIs400NamingItsField() throws Exception {
        HttpResponse<String> stored = call("PUT", "campaigns/landing", """
                {"advertiser_id": "adv-9", "landing_url": "https://shop.example/?c={click_id}&s={sub1}",
                 "affiliate_landing_urls": {"aff-7": "https://aff7.example/{click_id}"}}""");
        HttpResponse<String> relative = call("PUT", "campaigns/bad-landing", """
                {"advertiser_id": "adv-9", "landing_url": "/landing?c={click_id}"}""");
        HttpResponse<String> badOverride = call("PUT", "campaigns/bad-landing", """
                {"advertiser_id": "adv-9", "affiliate_landing_urls": {"aff-7": "ftp://aff7.example/"}}""");

        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(JSON.readTree(stored.body()).get("landing_url").asText())
                .isEqualTo("https://shop.example/?c={click_id}&s={sub1}");
        assertThat(latestOnTopic("landing").getAffiliateLandingUrls())
                .containsExactly(java.util.Map.entry("aff-7", "https://aff7.example/{click_id}"));
        assertThat(relative.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(relative.body()).get("field").asText()).isEqualTo("landing_url");
        assertThat(badOverride.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badOverride.body()).get("field").asText()).isEqualTo("affiliate_landing_urls.aff-7");
        assertThat(recordsOnTopic()).noneMatch(record -> record.key().equals("bad-landing"));
    }

    @Test
    void unknownCampaignOrCallIs404() throws Exception {
        assertThat(call("POST", "campaigns/nobody/pause", null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "campaigns/shoes", null).statusCode()).isEqualTo(404);
    }

    private static URI uri(String path) {
        return admin.uri().resolve("/" + path);
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(20));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Campaign latestOnTopic(String campaignId) {
        Campaign latest = null;
        for (ConsumerRecord<String, Campaign> record : recordsOnTopic()) {
            if (record.key().equals(campaignId)) {
                latest = record.value();
            }
        }
        return latest;
    }

    private static List<ConsumerRecord<String, Campaign>> recordsOnTopic() {
        return kit.readAll(Topics.CAMPAIGNS.name(), new StringDeserializer(),
                new RegistrySerdes(kit.registryUrl()).valueDeserializer(Topics.CAMPAIGNS));
    }
}

package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's query API with read tokens: the tokens file and peer token from the settings, and
 * advertisers' and affiliates' scopes checked against the campaigns as the campaigns topic has
 * them (the catalog the pipeline follows), end to end from a postback at the edge.
 */
class QueryAccessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ANALYST = "analyst-token";
    private static final String OWNER = "owner-token";
    private static final String OTHER = "other-advertiser-token";
    private static final String AFFILIATE = "affiliate-token";
    private static final String OTHER_CAMPAIGN = "campaign-of-another-advertiser";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    @TempDir
    static Path dir;

    private static Pipeline pipeline;
    private static String requestId;

    @BeforeAll
    static void start() throws Exception {
        Campaign demo = DemoData.campaign();
        Path tokens = Files.writeString(dir.resolve("query-tokens.json"), "{\"tokens\": ["
                + token("analysts", ANALYST, "all") + "," + token("owner", OWNER, "advertiser:" + demo.getAdvertiserId())
                + "," + token("other", OTHER, "advertiser:adv-other") + ","
                + token("affiliate", AFFILIATE, "affiliate:aff-access") + "]}");
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, dir.resolve("state"), "query-access")
                .with(PipelineSettings.QUERY_TOKENS_FILE, tokens.toString())
                .with(PipelineSettings.QUERY_PEER_TOKEN, "the-instances-shared-secret");
        pipeline = Pipeline.start(settings, EnumSet.allOf(Pipeline.Part.class), false);
        RegistrySerdes serdes = new RegistrySerdes(kit.registryUrl());
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), serdes);
             ClickWriter clicks = new ClickWriter(kit.bootstrapServers(), serdes)) {
            campaigns.put(demo);
            campaigns.put(Campaign.newBuilder(demo).setCampaignId(OTHER_CAMPAIGN).setAdvertiserId("adv-other").build());
            clicks.write(Click.newBuilder().setClickId("access-click").setCampaignId(demo.getCampaignId())
                    .setAffiliateId("aff-access").setClickedAt(Instant.now()).build());
        }
        HttpResponse<String> accepted = send(pipeline.ingestUri().orElseThrow()
                .resolve("/postback?click_id=access-click&goal_value=purchase&sale_amount=10&txn_id=access-1"), null);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        requestId = JSON.readTree(accepted.body()).get("request_id").asText();
        await("the postback attributed, as the analyst sees it").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(json(ask("/postbacks/" + requestId, ANALYST)).path("state").asText()).isEqualTo("ATTRIBUTED"));
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void withoutATokenOfTheFileTheAnswerIs401() throws Exception {
        HttpResponse<String> none = ask("/stats/campaigns/" + DemoData.CAMPAIGN_ID, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(ask("/stats/campaigns/" + DemoData.CAMPAIGN_ID, "made-up").statusCode()).isEqualTo(401);
        assertThat(ask("/openapi.json", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdvertiserReadsItsCampaignsAsTheCampaignsTopicHasThem() throws Exception {
        assertThat(ask("/stats/campaigns/" + DemoData.CAMPAIGN_ID, OWNER).statusCode()).isEqualTo(200);
        assertThat(ask("/stats/campaigns/" + OTHER_CAMPAIGN, OWNER).statusCode()).isEqualTo(403);
        assertThat(ask("/stats/campaigns/" + OTHER_CAMPAIGN, OTHER).statusCode()).isEqualTo(200);

        JsonNode own = json(ask("/postbacks/" + requestId, OWNER));
        assertThat(own.at("/conversion/params/txn_id").asText()).isEqualTo("access-1");
        assertThat(ask("/postbacks/" + requestId, OTHER).statusCode()).isEqualTo(404);
        assertThat(ask("/clicks/access-click", OTHER).statusCode()).isEqualTo(404);
        assertThat(ask("/conversions?txn_id=access-1", OTHER).statusCode()).isEqualTo(404);
        assertThat(ask("/conversions?txn_id=access-1", OWNER).statusCode()).isEqualTo(200);
    }

    @Test
    void anAffiliateReadsItsConversionWithoutWhatTheAdvertiserSent() throws Exception {
        JsonNode conversion = json(ask("/postbacks/" + requestId, AFFILIATE)).get("conversion");
        assertThat(conversion.get("affiliate_id").asText()).isEqualTo("aff-access");
        assertThat(conversion.has("payout")).isTrue();
        assertThat(conversion.has("params")).isFalse();
        assertThat(conversion.has("revenue")).isFalse();
        assertThat(ask("/stats/affiliates/aff-access", AFFILIATE).statusCode()).isEqualTo(200);
        assertThat(ask("/stats/campaigns/" + DemoData.CAMPAIGN_ID, AFFILIATE).statusCode()).isEqualTo(403);
    }

    @Test
    void tokensWithoutAPeerTokenStopTheStartNamingTheSetting() throws Exception {
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, dir.resolve("no-peer"), "query-access-no-peer")
                .with(PipelineSettings.QUERY_TOKENS_FILE, dir.resolve("query-tokens.json").toString());
        assertThatThrownBy(() -> Pipeline.start(settings, EnumSet.allOf(Pipeline.Part.class), false).close())
                .hasMessageContaining("QUERY_PEER_TOKEN");
    }

    private static HttpResponse<String> ask(String pathAndQuery, String token) throws Exception {
        return send(pipeline.queryUri().orElseThrow().resolve(pathAndQuery), token);
    }

    private static HttpResponse<String> send(URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String token(String name, String token, String scope) throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        return "{\"name\": \"" + name + "\", \"sha256\": \"" + digest + "\", \"scope\": \"" + scope + "\"}";
    }
}

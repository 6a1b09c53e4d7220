package io.attribution.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.admin.CampaignAdmin;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.embedded.Directories;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two processes' worth of pipeline on one broker, one application id: one with
 * {@code topology.role=decisions} (and ingest), one with {@code topology.role=views}. Together they
 * attribute postbacks and answer the query API, each for the stores its role runs and 503
 * NOT_SERVED_BY_ROLE, naming the role, for the others; the decisions go on while the views are
 * stopped, and the views catch up when they start again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitRolesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static Path decisionsState;
    private static Path viewsState;
    private static PipelineSettings viewsSettings;
    private static Pipeline decisions;
    private static Pipeline views;
    private static String affiliate;

    @BeforeAll
    static void start() throws Exception {
        decisionsState = Files.createTempDirectory("split-roles-decisions");
        viewsState = Files.createTempDirectory("split-roles-views");
        PipelineSettings settings = PipelineSettingsOnKit.of(kit, decisionsState, "split-roles");
        decisions = Pipeline.start(settings.with(PipelineSettings.TOPOLOGY_ROLE, "decisions"),
                EnumSet.of(Pipeline.Part.INGEST, Pipeline.Part.TOPOLOGY), false);
        viewsSettings = settings.with(PipelineSettings.TOPOLOGY_ROLE, "views")
                .with(PipelineSettings.TOPOLOGY_STATE_DIR, viewsState.toString());
        views = Pipeline.start(viewsSettings, EnumSet.of(Pipeline.Part.TOPOLOGY), false);
        affiliate = kit.uniqueId("aff-split");
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), decisions.serdes());
             ClickWriter clicks = new ClickWriter(kit.bootstrapServers(), decisions.serdes())) {
            campaigns.put(DemoData.campaign());
            for (String clickId : new String[] {"split-click-1", "split-click-2"}) {
                clicks.write(Click.newBuilder().setClickId(clickId).setCampaignId(DemoData.CAMPAIGN_ID)
                        .setAffiliateId(affiliate).setClickedAt(Instant.now()).build());
            }
        }
    }

    @AfterAll
    static void stop() {
        for (Pipeline pipeline : new Pipeline[] {views, decisions}) {
            if (pipeline != null) {
                pipeline.close();
            }
        }
        Directories.deleteRecursively(decisionsState);
        Directories.deleteRecursively(viewsState);
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theDecisionsAndTheViewsInstancesTogetherAttributeAndAnswerEachForItsOwnStores() throws Exception {
        String requestId = accepted("click_id=split-click-1&goal_value=install&txn_id=split-1");
        URI viewsQuery = views.queryUri().orElseThrow();
        URI decisionsQuery = decisions.queryUri().orElseThrow();

        await("the views instance knows the postback's fate").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    Http.Answer fate = Http.get(viewsQuery.resolve("/postbacks/" + requestId));
                    assertThat(fate.status()).as(fate.text()).isEqualTo(200);
                    assertThat(fate.field("state")).isEqualTo("ATTRIBUTED");
                    assertThat(fate.body().at("/conversion/payout").asText()).isEqualTo("1.50");
                });
        Http.Answer conversions = Http.get(viewsQuery.resolve("/clicks/split-click-1/conversions"));
        assertThat(conversions.status()).as(conversions.text()).isEqualTo(200);
        assertThat(conversions.body().at("/conversions/0/txn_id").asText()).isEqualTo("split-1");
        Http.Answer stats = Http.get(viewsQuery.resolve("/stats/affiliates/" + affiliate));
        assertThat(stats.status()).as(stats.text()).isEqualTo(200);
        assertThat(stats.body().at("/total/postbacks_received").asLong()).isEqualTo(1);

        // The click is the decisions application's: its instance answers, the views instance says whose it is.
        Http.Answer click = Http.get(decisionsQuery.resolve("/clicks/split-click-1"));
        assertThat(click.status()).as(click.text()).isEqualTo(200);
        assertThat(click.body().at("/click/affiliate_id").asText()).isEqualTo(affiliate);
        assertNotServed(Http.get(viewsQuery.resolve("/clicks/split-click-1")), "views", "decisions");
        assertNotServed(Http.get(decisionsQuery.resolve("/postbacks/" + requestId)), "decisions", "views");
        assertNotServed(Http.get(decisionsQuery.resolve("/stats/affiliates/" + affiliate)), "decisions", "views");

        for (Pipeline pipeline : new Pipeline[] {decisions, views}) {
            Http.Answer ready = Http.get(pipeline.managementUri().resolve("/readyz"));
            assertThat(ready.status()).as(ready.text()).isEqualTo(200);
            assertThat(ready.field("topology")).isEqualTo("RUNNING");
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theDecisionsGoOnWhileTheViewsAreStoppedAndTheViewsCatchUpWhenTheyStartAgain() throws Exception {
        views.close();
        views = null;

        String requestId = accepted("click_id=split-click-2&goal_value=purchase&sale_amount=20&txn_id=split-2");
        await("attributed with the views stopped").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> kit.readAll(Topics.CONVERSIONS_ATTRIBUTED.name(), new StringDeserializer(),
                                decisions.serdes().valueDeserializer(Topics.CONVERSIONS_ATTRIBUTED)).stream()
                        .map(ConsumerRecord::value).map(AttributedConversion::getRequestId).anyMatch(requestId::equals));
        Http.Answer live = Http.get(decisions.managementUri().resolve("/healthz"));
        assertThat(live.status()).as(live.text()).isEqualTo(200);

        views = Pipeline.start(viewsSettings, EnumSet.of(Pipeline.Part.TOPOLOGY), false);
        URI viewsQuery = views.queryUri().orElseThrow();
        await("the views caught up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> {
                    Http.Answer fate = Http.get(viewsQuery.resolve("/postbacks/" + requestId));
                    assertThat(fate.status()).as(fate.text()).isEqualTo(200);
                    assertThat(fate.field("state")).isEqualTo("ATTRIBUTED");
                });
        Http.Answer stats = Http.get(viewsQuery.resolve("/stats/affiliates/" + affiliate));
        assertThat(stats.body().at("/total/postbacks_received").asLong()).as(stats.text()).isEqualTo(2);
    }

    private static void assertNotServed(Http.Answer answer, String role, String application) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(503);
        assertThat(answer.field("error")).isEqualTo("NOT_SERVED_BY_ROLE");
        assertThat(answer.field("message")).contains("topology.role=" + role).contains(application + " application");
    }

    private static String accepted(String query) throws Exception {
        URI uri = URI.create(decisions.ingestUri().orElseThrow().resolve("/postback") + "?" + query);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(15))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("request_id").asText();
    }
}

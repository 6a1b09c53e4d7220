package io.attribution.app;

import io.attribution.avro.Goal;
import io.attribution.schemas.Topics;

import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import java.util.stream.Collectors;

/** What a newcomer needs after start: where things listen and a postback to fire. */
final class Banner {

    private Banner() {
    }

    static void print(PrintStream out, Pipeline pipeline, long startupMillis) {
        URI ingest = pipeline.ingestUri().orElseThrow();
        String postback = ingest.resolve("/postback") + "?click_id=" + DemoData.CLICK_IDS.get(0)
                + "&goal_value=purchase&sale_amount=49.90&currency=USD&txn_id=order-1001";
        String click = clickLink(ingest);
        out.println();
        out.println("Postback pipeline started in " + startupMillis + " ms" + (pipeline.isEmbedded()
                ? " (embedded Kafka broker and schema registry)" : ""));
        out.println("  Kafka:     " + pipeline.bootstrapServers() + clientSettings(pipeline.kafkaClients().masked()));
        out.println("  Registry:  " + pipeline.serdes().registryUrl()
                + clientSettings(pipeline.serdes().registry().masked()));
        out.println("  Ingest:    " + ingest.resolve("/postback") + "   " + ingest.resolve("/click")
                + "   (health: " + ingest.resolve("/readyz") + ")");
        pipeline.adminUri().ifPresent(admin -> out.println("  Admin API: " + admin.resolve("/campaigns")
                + (pipeline.isEmbedded() ? "   (Authorization: Bearer " + pipeline.adminToken().orElseThrow() + ")" : "")));
        pipeline.testerUri().ifPresent(tester -> out.println("  Tester:    " + tester
                + "   (advertisers: a test click, a postback, its fate; the admin token)"));
        pipeline.queryUri().ifPresent(query -> {
            out.println("  Dashboard: " + dashboardLink(query, pipeline.isEmbedded()));
            out.println("  Query API: " + query.resolve("/openapi.yaml") + "   (the OpenAPI document of every query)");
        });
        out.println("  Metrics:   " + pipeline.managementUri().resolve("/metrics") + "   (liveness: "
                + pipeline.managementUri().resolve("/healthz") + ")");
        if (pipeline.isEmbedded()) {
            out.println();
            out.println("Demo campaign '" + DemoData.CAMPAIGN_ID + "' (goals: install, purchase) and clicks "
                    + String.join(", ", DemoData.CLICK_IDS) + " are loaded. Follow a tracking link: it stores a"
                    + " click and redirects to the campaign's landing URL, whose click_id= is the new click's id:");
            out.println();
            out.println("  curl -i '" + click + "'");
            out.println();
            out.println("Then fire a postback for that click, the advertiser's part (or for a loaded one: "
                    + DemoData.CLICK_IDS.get(0) + "):");
            out.println();
            // The redirect's body names the click: a newcomer pastes two lines and sees it converted.
            out.println("  CLICK_ID=$(curl -s '" + click + "' | sed 's/.*\"click_id\":\"\\([^\"]*\\)\".*/\\1/')");
            out.println("  curl \"" + postback.replace("click_id=" + DemoData.CLICK_IDS.get(0), "click_id=$CLICK_ID") + "\"");
            out.println();
            pipeline.queryUri().ifPresent(query -> {
                out.println("Then ask what became of it (the request_id it answered), and the campaign's stats:");
                out.println();
                out.println("  curl '" + query.resolve("/postbacks/") + "<request_id>'");
                out.println("  curl '" + query.resolve("/stats/campaigns/" + DemoData.CAMPAIGN_ID) + "?granularity=day'");
                out.println();
                out.println("or watch the campaign's numbers move, and look the postback up, on the dashboard:");
                out.println();
                out.println("  " + dashboardLink(query, true));
                out.println();
            });
            out.println("Conversions are printed below as they are emitted. The CLI works on this pipeline from"
                    + " another terminal once it knows where Kafka and the registry are:");
            out.println();
            out.println("  export KAFKA_BOOTSTRAP_SERVERS=" + pipeline.bootstrapServers() + " REGISTRY_URL="
                    + pipeline.serdes().registryUrl());
            out.println("  java -jar app/target/postback-pipeline.jar tail " + Topics.CONVERSIONS_ATTRIBUTED.name());
            out.println("  java -jar app/target/postback-pipeline.jar campaigns list");
            out.println("  java -jar app/target/postback-pipeline.jar clicks send --url " + ingest
                    + " --campaign " + DemoData.CAMPAIGN_ID + " --affiliate " + DemoData.CLICK_AFFILIATE
                    + " --sub1 newsletter");
        }
        out.println();
        out.println("Ctrl-C stops everything.");
        out.println();
    }

    /** The operator's client settings, secrets masked, or nothing when there are none. */
    private static String clientSettings(Map<String, String> masked) {
        return masked.isEmpty() ? "" : "   " + masked;
    }

    /**
     * The dashboard, with the demo campaign, its goals and the banner's affiliate already named on
     * the embedded default: the query API has no list of campaigns to offer the page.
     */
    static String dashboardLink(URI query, boolean demo) {
        return query.resolve("/") + (demo ? "?campaigns=" + DemoData.CAMPAIGN_ID + "&goals="
                + DemoData.campaign().getGoals().stream().map(Goal::getGoalId).collect(Collectors.joining(","))
                + "&affiliates=" + DemoData.CLICK_AFFILIATE : "");
    }

    /** A tracking link of the demo campaign, as an affiliate would place it. */
    static String clickLink(URI ingest) {
        return ingest.resolve("/click") + "?campaign_id=" + DemoData.CAMPAIGN_ID + "&affiliate_id="
                + DemoData.CLICK_AFFILIATE + "&sub1=newsletter";
    }
}

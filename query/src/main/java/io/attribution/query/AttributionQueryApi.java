package io.attribution.query;

import io.attribution.query.access.QueryAccess;
import io.attribution.query.endpoints.ClicksEndpoint;
import io.attribution.query.endpoints.ConversionsEndpoint;
import io.attribution.query.endpoints.PostbacksEndpoint;
import io.attribution.query.endpoints.QueryEndpoint;
import io.attribution.query.endpoints.RejectionsEndpoint;
import io.attribution.query.endpoints.StatsEndpoint;
import io.attribution.query.routing.StoreApplications;
import io.attribution.topology.QueryStores;
import io.attribution.topology.StatsKey;
import io.attribution.topology.TopologyRole;
import jakarta.servlet.http.HttpServlet;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attribution pipeline's query API: every endpoint, at its path. Served by every topology
 * instance; any instance answers any question, asking the others when the data is theirs.
 * The API's OpenAPI document ({@code openapi.yaml}) is served beside it, as YAML and as JSON, and
 * so is the dashboard page at {@code /} that reads it.
 */
public final class AttributionQueryApi {

    private AttributionQueryApi() {
    }

    /**
     * Binds the API's port; endpoints answer 503 until {@link QueryServer#attach} hands them the
     * topology's router. The OpenAPI document and the dashboard are served at once.
     *
     * @param port 0 picks a free port
     */
    public static QueryServer start(String host, int port, Clock clock) throws Exception {
        return start(host, port, clock, QueryAccess.open());
    }

    /** @param access who may ask what: open, or read tokens with scopes */
    public static QueryServer start(String host, int port, Clock clock, QueryAccess access) throws Exception {
        QueryServer.Builder server = QueryServer.builder().host(host).port(port).access(access);
        endpoints(clock).forEach(server::endpoint);
        servlets().forEach(server::servlet);
        DashboardPages.servlets().forEach(server::servlet);
        return server.start();
    }

    /**
     * The stores each application of this instance holds, as its topology role has it: a store of
     * an application it does not run is answered 503 {@code NOT_SERVED_BY_ROLE}, naming the role,
     * never routed with another application's metadata.
     *
     * @param decisions the decisions application, when the role runs it
     * @param views     the views application, when the role runs it
     */
    public static StoreApplications applications(TopologyRole role, Optional<KafkaStreams> decisions,
                                                 Optional<KafkaStreams> views) {
        StoreApplications.Builder applications = StoreApplications.builder();
        decisions.ifPresentOrElse(streams -> applications.held(QueryStores.DECISION_STORES, streams),
                () -> applications.notHeld(QueryStores.DECISION_STORES, notRun(role, TopologyRole.DECISIONS)));
        views.ifPresentOrElse(streams -> applications.held(QueryStores.VIEW_STORES, streams),
                () -> applications.notHeld(QueryStores.VIEW_STORES, notRun(role, TopologyRole.VIEWS)));
        return applications.build();
    }

    private static String notRun(TopologyRole role, TopologyRole application) {
        String what = application == TopologyRole.VIEWS ? "the query views (stats, conversions, postback log, rejections)"
                : "clicks and postbacks waiting for their click";
        return "this instance runs topology.role=" + role.setting() + ", without the " + application.setting()
                + " application that keeps " + what + ": ask an instance whose topology.role is "
                + application.setting() + " or all";
    }

    /** Every endpoint by its servlet path spec: what {@link #start} serves. */
    static Map<String, QueryEndpoint> endpoints(Clock clock) {
        Map<String, QueryEndpoint> endpoints = new LinkedHashMap<>();
        endpoints.put("/stats/campaigns/*", new StatsEndpoint(StatsKey.Dimension.CAMPAIGN, clock));
        endpoints.put("/stats/affiliates/*", new StatsEndpoint(StatsKey.Dimension.AFFILIATE, clock));
        endpoints.put("/stats/goals/*", new StatsEndpoint(StatsKey.Dimension.GOAL, clock));
        endpoints.put("/clicks/*", new ClicksEndpoint());
        endpoints.put("/conversions", new ConversionsEndpoint());
        endpoints.put("/postbacks/*", new PostbacksEndpoint());
        endpoints.put("/campaigns/*", new RejectionsEndpoint(clock));
        return endpoints;
    }

    /** The plain servlets beside the endpoints, by path spec: the OpenAPI document. */
    static Map<String, HttpServlet> servlets() {
        OpenApiDocument document = OpenApiDocument.load();
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put(OpenApiDocument.YAML_PATH, document.yamlServlet());
        servlets.put(OpenApiDocument.JSON_PATH, document.jsonServlet());
        return servlets;
    }

    /**
     * Every path spec of the API {@link #start} registers, endpoints first: what the document must
     * cover. The dashboard's files are pages for people, not operations of the API, and are left out.
     */
    static List<String> pathSpecs() {
        List<String> specs = new ArrayList<>(endpoints(Clock.systemUTC()).keySet());
        specs.addAll(servlets().keySet());
        return specs;
    }
}

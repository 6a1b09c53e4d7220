package io.attribution.query;

import io.attribution.query.endpoints.ClicksEndpoint;
import io.attribution.query.endpoints.ConversionsEndpoint;
import io.attribution.query.endpoints.PostbacksEndpoint;
import io.attribution.query.endpoints.QueryEndpoint;
import io.attribution.query.endpoints.RejectionsEndpoint;
import io.attribution.query.endpoints.StatsEndpoint;
import io.attribution.topology.StatsKey;
import jakarta.servlet.http.HttpServlet;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attribution pipeline's query API: every endpoint, at its path. Served by every topology
 * instance; any instance answers any question, asking the others when the data is theirs.
 * The API's OpenAPI document ({@code openapi.yaml}) is served beside it, as YAML and as JSON.
 */
public final class AttributionQueryApi {

    private AttributionQueryApi() {
    }

    /**
     * Binds the API's port; endpoints answer 503 until {@link QueryServer#attach} hands them the
     * topology's router. The OpenAPI document is served at once.
     *
     * @param port 0 picks a free port
     */
    public static QueryServer start(String host, int port, Clock clock) throws Exception {
        QueryServer.Builder server = QueryServer.builder().host(host).port(port);
        endpoints(clock).forEach(server::endpoint);
        servlets().forEach(server::servlet);
        return server.start();
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

    /** Every servlet path spec {@link #start} registers, endpoints first: what the document must cover. */
    static List<String> pathSpecs() {
        List<String> specs = new ArrayList<>(endpoints(Clock.systemUTC()).keySet());
        specs.addAll(servlets().keySet());
        return specs;
    }
}

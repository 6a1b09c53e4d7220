package io.attribution.query;

import io.attribution.topology.StatsKey;

import java.time.Clock;

/**
 * The attribution pipeline's query API: every endpoint, at its path. Served by every topology
 * instance; any instance answers any question, asking the others when the data is theirs.
 */
public final class AttributionQueryApi {

    private AttributionQueryApi() {
    }

    /**
     * Binds the API's port; endpoints answer 503 until {@link QueryServer#attach} hands them the
     * topology's router.
     *
     * @param port 0 picks a free port
     */
    public static QueryServer start(String host, int port, Clock clock) throws Exception {
        return QueryServer.builder().host(host).port(port)
                .endpoint("/stats/campaigns/*", new StatsEndpoint(StatsKey.Dimension.CAMPAIGN, clock))
                .endpoint("/stats/affiliates/*", new StatsEndpoint(StatsKey.Dimension.AFFILIATE, clock))
                .endpoint("/stats/goals/*", new StatsEndpoint(StatsKey.Dimension.GOAL, clock))
                .endpoint("/clicks/*", new ClicksEndpoint())
                .endpoint("/conversions", new ConversionsEndpoint())
                .endpoint("/postbacks/*", new PostbacksEndpoint())
                .endpoint("/campaigns/*", new RejectionsEndpoint(clock))
                .start();
    }
}

package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.StatsBucket;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionReader;
import io.attribution.query.routing.Question;
import io.attribution.topology.QueryStores;
import io.attribution.topology.StatsKey;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code /stats/campaigns/{campaign_id}}, {@code /stats/affiliates/{affiliate_id}} and
 * {@code /stats/goals/{campaign_id}/{goal_id}}: postbacks, clicks, conversions by status, rejections
 * by reason, revenue, payout, conversion rate and EPC per hour or per UTC day over {@code [from, to)}
 * (a goal's clicks are its campaign's: a click has no goal). Every partition holds
 * part of every subject's stats, so the question goes to all of them; each sums its own hours into
 * buckets and the merge adds the partitions, exactly.
 */
public final class StatsEndpoint implements QueryEndpoint {

    enum Granularity {
        HOUR(ChronoUnit.HOURS), DAY(ChronoUnit.DAYS);

        private final ChronoUnit unit;

        Granularity(ChronoUnit unit) {
            this.unit = unit;
        }
    }

    /** A range scan per partition of at most this many hours: about thirteen months. */
    static final Duration MAX_RANGE = Duration.ofDays(400);

    private final StatsKey.Dimension dimension;
    private final Clock clock;

    public StatsEndpoint(StatsKey.Dimension dimension, Clock clock) {
        this.dimension = dimension;
        this.clock = clock;
    }

    @Override
    public Question question(HttpServletRequest request) throws BadParameter {
        String id = subject(request);
        Granularity granularity = RequestParams.choice(request, "granularity", Granularity.class).orElse(Granularity.HOUR);
        BucketRange range = BucketRange.read(request, clock, granularity.unit, MAX_RANGE);
        // For merge(), which must describe the same question: "now" must not move between the two.
        request.setAttribute(Asked.class.getName(), new Asked(id, granularity, range));
        String lower = StatsKey.of(dimension, id, range.from());
        String upper = StatsKey.of(dimension, id, range.to().minusMillis(1));
        PartitionReader answerer = (streams, partition, activeOnly) -> LocalStore.read(streams, QueryStores.STATS,
                QueryableStoreTypes.<String, StatsBucket>keyValueStore(), partition, activeOnly, store -> {
                    Map<Instant, StatsTotals> buckets = new TreeMap<>();
                    try (KeyValueIterator<String, StatsBucket> hours = store.range(lower, upper)) {
                        while (hours.hasNext()) {
                            KeyValue<String, StatsBucket> hour = hours.next();
                            Instant start = StatsKey.hourOf(hour.key).truncatedTo(granularity.unit);
                            buckets.computeIfAbsent(start, s -> new StatsTotals()).add(hour.value);
                        }
                    }
                    if (dimension == StatsKey.Dimension.GOAL) {
                        // A click has no goal: a goal's clicks are its campaign's, so its rate and
                        // EPC read as "of the campaign's clicks, how many became this goal".
                        String campaign = id.substring(0, id.indexOf('\u0000'));
                        try (KeyValueIterator<String, StatsBucket> hours = store.range(
                                StatsKey.of(StatsKey.Dimension.CAMPAIGN, campaign, range.from()),
                                StatsKey.of(StatsKey.Dimension.CAMPAIGN, campaign, range.to().minusMillis(1)))) {
                            while (hours.hasNext()) {
                                KeyValue<String, StatsBucket> hour = hours.next();
                                Instant start = StatsKey.hourOf(hour.key).truncatedTo(granularity.unit);
                                buckets.computeIfAbsent(start, s -> new StatsTotals()).addClicks(hour.value);
                            }
                        }
                    }
                    ObjectNode answer = JsonNodeFactory.instance.objectNode();
                    buckets.forEach((start, totals) -> answer.set(start.toString(), totals.toJson()));
                    return answer;
                });
        boolean allowStale = RequestParams.flag(request, "allow_stale", false);
        // Other instances get the range pinned: their "now" is not this one's.
        String forwarded = request.getRequestURI() + "?from=" + range.from() + "&to=" + range.to()
                + "&granularity=" + granularity + "&allow_stale=" + allowStale;
        return Question.allPartitions(QueryStores.STATS, QueryStores.VIEWS_TOPIC, answerer)
                .allowingStale(allowStale).forwardedAs(forwarded);
    }

    @Override
    public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) {
        SortedMap<Instant, StatsTotals> buckets = new TreeMap<>();
        StatsTotals total = new StatsTotals();
        for (JsonNode partition : byPartition.values()) {
            partition.fields().forEachRemaining(bucket -> {
                buckets.computeIfAbsent(Instant.parse(bucket.getKey()), s -> new StatsTotals()).add(bucket.getValue());
                total.add(bucket.getValue());
            });
        }
        Asked asked = (Asked) request.getAttribute(Asked.class.getName());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("dimension", dimension.name().toLowerCase(Locale.ROOT));
        body.put("id", asked.id().replace('\u0000', '/'));
        body.put("from", asked.range().from().toString());
        body.put("to", asked.range().to().toString());
        body.put("granularity", asked.granularity().name().toLowerCase(Locale.ROOT));
        body.set("total", total.toJson());
        var list = body.putArray("buckets");
        buckets.forEach((start, totals) -> list.addObject().put("start", start.toString()).setAll(totals.toJson()));
        return body;
    }

    /**
     * The stats id: a campaign or affiliate id, or a goal's campaign and goal ids. Further path
     * segments are refused, not ignored: {@code /stats/campaigns/a/b} is not campaign {@code a}.
     */
    private String subject(HttpServletRequest request) throws BadParameter {
        List<String> segments = RequestParams.segments(request);
        if (dimension == StatsKey.Dimension.GOAL) {
            String campaign = RequestParams.id(segments, 0, "campaign_id");
            String goal = RequestParams.id(segments, 1, "goal_id");
            if (segments.size() != 2) {
                throw new BadParameter("path", "expected /stats/goals/{campaign_id}/{goal_id}");
            }
            return StatsKey.goalId(campaign, goal);
        }
        boolean campaign = dimension == StatsKey.Dimension.CAMPAIGN;
        String id = RequestParams.id(segments, 0, campaign ? "campaign_id" : "affiliate_id");
        if (segments.size() != 1) {
            throw new BadParameter("path", campaign ? "expected /stats/campaigns/{campaign_id}"
                    : "expected /stats/affiliates/{affiliate_id}");
        }
        return id;
    }

    /** The question as {@link #question} read it. */
    private record Asked(String id, Granularity granularity, BucketRange range) {
    }
}

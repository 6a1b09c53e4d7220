package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.StatsBucket;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionReader;
import io.attribution.query.routing.Question;
import io.attribution.topology.QueryStores;
import io.attribution.topology.Sub1Key;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code /stats/sub1/{campaign_id}/{affiliate_id}}: the top sub1 values of a campaign's affiliate
 * over whole UTC days {@code [from, to)}, by clicks (then earning conversions, then value), each
 * with the stats fields ({@link StatsTotals}: clicks, conversions, money, conversion rate, EPC).
 * What is not in the top {@code limit} is summed in {@code rest}: the other values, and the values
 * a day could not file past its cap (summed together where they were counted, so not named);
 * clicks without sub1 in {@code no_sub1}. The rows, {@code rest} and {@code no_sub1} add up to
 * {@code total}. Every partition holds part of every value, so the question goes to all of them;
 * each sums its days per value, and the merge adds the partitions before it ranks, so the top is
 * exact.
 */
public final class Sub1Endpoint implements QueryEndpoint {

    /** A range of at most a month: a partition answers with up to the day cap of values per day. */
    static final Duration MAX_RANGE = Duration.ofDays(31);
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 200;
    private static final String KIND = "kind";
    private static final String SUB1 = "sub1";

    private final Clock clock;

    public Sub1Endpoint(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Question question(HttpServletRequest request) throws BadParameter {
        List<String> segments = RequestParams.segments(request);
        String campaign = RequestParams.id(segments, 0, "campaign_id");
        String affiliate = RequestParams.id(segments, 1, "affiliate_id");
        if (segments.size() != 2) {
            throw new BadParameter("path", "expected /stats/sub1/{campaign_id}/{affiliate_id}");
        }
        int limit = RequestParams.integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        // Whole UTC days: the breakdown is kept per day.
        BucketRange range = BucketRange.read(request, clock, ChronoUnit.DAYS, MAX_RANGE);
        Instant fromDay = range.from();
        Instant toDay = range.to();
        request.setAttribute(Asked.class.getName(), new Asked(campaign, affiliate, fromDay, toDay, limit));
        String lower = Sub1Key.lowerBound(campaign, affiliate, Sub1Key.daysSinceEpoch(fromDay));
        String upper = Sub1Key.upperBound(campaign, affiliate, Sub1Key.daysSinceEpoch(toDay) - 1);
        PartitionReader answerer = (streams, partition, activeOnly) -> LocalStore.read(streams, QueryStores.SUB1_STATS,
                QueryableStoreTypes.<String, StatsBucket>keyValueStore(), partition, activeOnly, store -> {
                    Map<Row, StatsTotals> rows = new HashMap<>();
                    try (KeyValueIterator<String, StatsBucket> days = store.range(lower, upper)) {
                        while (days.hasNext()) {
                            KeyValue<String, StatsBucket> day = days.next();
                            Sub1Key.Entry entry = Sub1Key.parse(day.key);
                            rows.computeIfAbsent(new Row(entry.kind(), entry.value()), r -> new StatsTotals())
                                    .add(day.value);
                        }
                    }
                    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
                    rows.forEach((row, totals) -> answer.add(totals.toJson()
                            .put(KIND, row.kind().name()).put(SUB1, row.value())));
                    return answer;
                });
        boolean allowStale = RequestParams.flag(request, "allow_stale", false);
        String forwarded = request.getRequestURI() + "?from=" + fromDay + "&to=" + toDay + "&limit=" + limit
                + "&allow_stale=" + allowStale;
        return Question.allPartitions(QueryStores.SUB1_STATS, QueryStores.VIEWS_TOPIC, answerer)
                .allowingStale(allowStale).forwardedAs(forwarded);
    }

    @Override
    public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) {
        Map<String, StatsTotals> values = new HashMap<>();
        StatsTotals noSub1 = new StatsTotals();
        StatsTotals rest = new StatsTotals();
        StatsTotals total = new StatsTotals();
        boolean capped = false;
        for (JsonNode partition : byPartition.values()) {
            for (JsonNode row : partition) {
                total.add(row);
                switch (Sub1Key.Kind.valueOf(row.path(KIND).asText())) {
                    case VALUE -> values.computeIfAbsent(row.path(SUB1).asText(), v -> new StatsTotals()).add(row);
                    case NONE -> noSub1.add(row);
                    case OTHER -> {
                        rest.add(row);
                        capped = true;
                    }
                }
            }
        }
        Asked asked = (Asked) request.getAttribute(Asked.class.getName());
        List<Map.Entry<String, StatsTotals>> ranked = new ArrayList<>(values.entrySet());
        ranked.sort(Comparator.<Map.Entry<String, StatsTotals>>comparingLong(e -> e.getValue().clicks()).reversed()
                .thenComparing(Comparator.<Map.Entry<String, StatsTotals>>comparingLong(
                        e -> e.getValue().countedConversions()).reversed())
                .thenComparing(Map.Entry::getKey));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("campaign_id", asked.campaign());
        body.put("affiliate_id", asked.affiliate());
        body.put("from", asked.from().toString());
        body.put("to", asked.to().toString());
        body.put("limit", asked.limit());
        body.put("sub1_values", values.size());
        body.put("capped", capped);
        body.set("total", total.toJson());
        ArrayNode top = body.putArray("subs");
        for (int i = 0; i < ranked.size(); i++) {
            Map.Entry<String, StatsTotals> value = ranked.get(i);
            if (i < asked.limit()) {
                ObjectNode row = JsonNodeFactory.instance.objectNode().put(SUB1, value.getKey());
                top.add(row.setAll(value.getValue().toJson()));
            } else {
                rest.add(value.getValue().toJson());
            }
        }
        body.set("rest", rest.toJson());
        body.set("no_sub1", noSub1.toJson());
        return body;
    }

    /** A breakdown entry, its days summed: a value, or the clicks without one, or the values past the cap. */
    private record Row(Sub1Key.Kind kind, String value) {
    }

    private record Asked(String campaign, String affiliate, Instant from, Instant to, int limit) {
    }
}

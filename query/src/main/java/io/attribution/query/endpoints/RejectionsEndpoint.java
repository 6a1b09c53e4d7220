package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.RejectionReason;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionReader;
import io.attribution.query.routing.Question;
import io.attribution.topology.QueryStores;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * {@code /campaigns/{campaign_id}/rejections[?reason=...&limit=50]}: the latest rejected postbacks
 * of a campaign, newest first, for an advertiser debugging its integration. Each partition reads
 * its newest first and stops at the limit; the merge keeps the newest of all.
 *
 * <p>The window store reads backwards, newest first: "the latest N" stays cheap on a campaign
 * with a week of rejections.
 */
public final class RejectionsEndpoint implements QueryEndpoint {

    static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 50;
    private static final Comparator<JsonNode> NEWEST_FIRST = Comparator.comparing(
            (JsonNode rejection) -> Instant.parse(rejection.path("rejected_at").asText())).reversed();

    private final Clock clock;

    public RejectionsEndpoint(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Question question(HttpServletRequest request) throws BadParameter {
        List<String> segments = RequestParams.segments(request);
        String campaignId = RequestParams.id(segments, 0, "campaign_id");
        if (segments.size() != 2 || !segments.get(1).equals("rejections")) {
            throw new BadParameter("path", "expected /campaigns/{campaign_id}/rejections");
        }
        Optional<RejectionReason> reason = RequestParams.choice(request, "reason", RejectionReason.class);
        int limit = RequestParams.integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Instant since = clock.instant().minus(QueryStores.LOG_RETENTION);
        PartitionReader answerer = (streams, partition, activeOnly) -> LocalStore.read(streams,
                QueryStores.RECENT_REJECTIONS, QueryableStoreTypes.<String, RejectedPostback>windowStore(), partition,
                activeOnly, store -> {
                    ArrayNode newest = JsonNodeFactory.instance.arrayNode();
                    try (WindowStoreIterator<RejectedPostback> rejections = store.backwardFetch(campaignId, since,
                            Instant.parse("9999-12-31T00:00:00Z"))) {
                        while (rejections.hasNext() && newest.size() < limit) {
                            RejectedPostback rejection = rejections.next().value;
                            if (reason.isEmpty() || reason.get() == rejection.getReason()) {
                                newest.add(AvroJson.of(rejection));
                            }
                        }
                    }
                    return newest;
                });
        return Question.allPartitions(QueryStores.RECENT_REJECTIONS, QueryStores.VIEWS_TOPIC, answerer)
                .allowingStale(RequestParams.flag(request, "allow_stale", false));
    }

    @Override
    public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) throws BadParameter {
        List<JsonNode> all = new ArrayList<>();
        byPartition.values().forEach(partition -> partition.forEach(all::add));
        all.sort(NEWEST_FIRST);
        int limit = RequestParams.integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("campaign_id", RequestParams.segments(request).get(0));
        ArrayNode rejections = body.putArray("rejections");
        all.stream().limit(limit).forEach(rejections::add);
        return body;
    }
}

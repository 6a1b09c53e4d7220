package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.PostbackFate;
import io.attribution.avro.RawPostback;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionReader;
import io.attribution.query.routing.Question;
import io.attribution.topology.QueryStores;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * {@code /postbacks/{request_id}[?click_id=...]}: what became of a postback, by the request id
 * ingest answered with: ATTRIBUTED (with the conversion), REJECTED (with the reason), or PENDING
 * (waiting for its click within grace, {@code /postbacks/{request_id}/pending}, asked when the log
 * knows nothing yet). With the click id the question goes to the one partition that holds the
 * postback; without it, to every partition (a point read each).
 */
public final class PostbacksEndpoint implements QueryEndpoint {

    private static final String PENDING = "pending";
    private static final JsonNode NOTHING = JsonNodeFactory.instance.nullNode();

    @Override
    public Question question(HttpServletRequest request) throws BadParameter {
        List<String> segments = RequestParams.segments(request);
        String requestId = RequestParams.id(segments, 0, "request_id");
        Optional<String> clickId = RequestParams.text(request, "click_id");
        boolean allowStale = RequestParams.flag(request, "allow_stale", false);
        if (segments.size() == 2 && segments.get(1).equals(PENDING)) {
            return pending(requestId, clickId).allowingStale(allowStale);
        }
        if (segments.size() != 1) {
            throw new BadParameter("path", "expected /postbacks/{request_id} or /postbacks/{request_id}/pending");
        }
        PartitionReader answerer = (streams, partition, activeOnly) -> LatestInWindowStore.<PostbackFate>find(
                streams, QueryStores.POSTBACK_LOG, requestId, partition, activeOnly).map(PostbacksEndpoint::decided)
                .orElse(NOTHING);
        Question question = clickId.isPresent()
                ? Question.forKey(QueryStores.POSTBACK_LOG, QueryStores.VIEWS_TOPIC, clickId.get(), answerer)
                : Question.allPartitions(QueryStores.POSTBACK_LOG, QueryStores.VIEWS_TOPIC, answerer);
        return question.allowingStale(allowStale);
    }

    /** Not decided yet: it may be waiting for its click. */
    @Override
    public Optional<Question> whenNotFound(HttpServletRequest request) throws BadParameter {
        List<String> segments = RequestParams.segments(request);
        if (segments.size() != 1) {
            return Optional.empty();
        }
        String query = request.getQueryString();
        return Optional.of(pending(segments.get(0), RequestParams.text(request, "click_id"))
                .allowingStale(RequestParams.flag(request, "allow_stale", false))
                .forwardedAs(request.getRequestURI() + "/" + PENDING + (query == null ? "" : "?" + query)));
    }

    @Override
    public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) throws NotFound {
        for (JsonNode answer : byPartition.values()) {
            if (!answer.isNull()) {
                return (ObjectNode) answer.deepCopy();
            }
        }
        String requestId = RequestParams.segments(request).get(0);
        throw new NotFound("no postback with request_id " + requestId + ": not received, not yet read by the"
                + " topology, or decided more than " + QueryStores.LOG_RETENTION.toDays() + " days ago");
    }

    private static Question pending(String requestId, Optional<String> clickId) {
        if (clickId.isPresent()) {
            String key = QueryStores.pendingKey(clickId.get(), requestId);
            return Question.forKey(QueryStores.PENDING_POSTBACKS, QueryStores.CLICKS_TOPIC, clickId.get(),
                    (streams, partition, activeOnly) -> LocalStore.read(streams, QueryStores.PENDING_POSTBACKS,
                            QueryableStoreTypes.<String, RawPostback>keyValueStore(), partition, activeOnly, store -> {
                                RawPostback postback = store.get(key);
                                return postback == null ? NOTHING : pending(postback);
                            }));
        }
        // Without the click, a scan: the store holds only the last grace period's unmatched postbacks.
        String suffix = '\u0000' + requestId;
        return Question.allPartitions(QueryStores.PENDING_POSTBACKS, QueryStores.CLICKS_TOPIC,
                (streams, partition, activeOnly) -> LocalStore.read(streams, QueryStores.PENDING_POSTBACKS,
                        QueryableStoreTypes.<String, RawPostback>keyValueStore(), partition, activeOnly, store -> {
                            try (KeyValueIterator<String, RawPostback> waiting = store.all()) {
                                while (waiting.hasNext()) {
                                    KeyValue<String, RawPostback> entry = waiting.next();
                                    if (entry.key.endsWith(suffix)) {
                                        return pending(entry.value);
                                    }
                                }
                            }
                            return NOTHING;
                        }));
    }

    private static JsonNode decided(PostbackFate fate) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("request_id", fate.getRequestId());
        node.put("state", fate.getAttributed() != null ? "ATTRIBUTED" : "REJECTED");
        node.put("click_id", fate.getClickId());
        node.put("decided_at", fate.getDecidedAt().toString());
        if (fate.getAttributed() != null) {
            node.set("conversion", AvroJson.of(fate.getAttributed()));
        } else {
            node.set("rejection", AvroJson.of(fate.getRejected()));
        }
        return node;
    }

    private static JsonNode pending(RawPostback postback) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("request_id", postback.getRequestId());
        node.put("state", "PENDING");
        node.put("click_id", postback.getClickId());
        node.put("received_at", postback.getReceivedAt().toString());
        node.set("postback", AvroJson.of(postback));
        return node;
    }
}

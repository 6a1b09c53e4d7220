package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.Click;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.Question;
import io.attribution.topology.QueryStores;
import jakarta.servlet.http.HttpServletRequest;

import java.util.List;
import java.util.SortedMap;

/**
 * {@code /clicks/{click_id}} (the click) and {@code /clicks/{click_id}/conversions} (its
 * conversions at their latest status). Keyed: answered by the instance that owns the click's
 * partition, which for the two stores may be two different instances.
 */
public final class ClicksEndpoint implements QueryEndpoint {

    private static final String CONVERSIONS = "conversions";

    @Override
    public Question question(HttpServletRequest request) throws BadParameter {
        List<String> segments = RequestParams.segments(request);
        String clickId = RequestParams.id(segments, 0, "click_id");
        boolean allowStale = RequestParams.flag(request, "allow_stale", false);
        if (segments.size() == 1) {
            return Question.forKey(QueryStores.CLICKS, QueryStores.CLICKS_TOPIC, clickId,
                            (streams, partition, activeOnly) -> LatestInWindowStore.<Click>find(streams,
                                    QueryStores.CLICKS, clickId, partition, activeOnly)
                                    .<JsonNode>map(AvroJson::of).orElse(JsonNodeFactory.instance.nullNode()))
                    .allowingStale(allowStale);
        }
        if (segments.size() == 2 && segments.get(1).equals(CONVERSIONS)) {
            return Question.forKey(QueryStores.CLICK_CONVERSIONS, QueryStores.VIEWS_TOPIC, clickId,
                            (streams, partition, activeOnly) -> ConversionList.of(ConversionFilings.read(
                                    streams, QueryStores.CLICK_CONVERSIONS, clickId, partition, activeOnly),
                                    conversion -> true))
                    .allowingStale(allowStale);
        }
        throw new BadParameter("path", "expected /clicks/{click_id} or /clicks/{click_id}/conversions");
    }

    @Override
    public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition)
            throws BadParameter, NotFound {
        List<String> segments = RequestParams.segments(request);
        JsonNode answer = byPartition.values().iterator().next();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("click_id", segments.get(0));
        if (segments.size() == 1) {
            if (answer.isNull()) {
                throw new NotFound("no click " + segments.get(0) + " (unknown, or older than the click retention)");
            }
            body.set("click", answer);
        } else {
            body.setAll(ConversionList.concat(byPartition.values()));
        }
        return body;
    }
}

package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.PartitionReader;
import io.attribution.query.routing.Question;
import io.attribution.topology.QueryStores;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;
import java.util.SortedMap;

/**
 * {@code /conversions?txn_id=...[&advertiser_id=...]}: the conversions an advertiser's txn id
 * created, at their latest status. Conversions are partitioned by click, not by txn id, so every
 * partition is asked: one point read each, where keying by txn id would cost a repartition of
 * every conversion.
 */
public final class ConversionsEndpoint implements QueryEndpoint {

    @Override
    public Question question(HttpServletRequest request) throws BadParameter {
        String txnId = RequestParams.text(request, "txn_id")
                .orElseThrow(() -> new BadParameter("txn_id", "txn_id is required"));
        Optional<String> advertiserId = RequestParams.text(request, "advertiser_id");
        PartitionReader answerer = (streams, partition, activeOnly) -> ConversionList.of(
                ConversionFilings.read(streams, QueryStores.TXN_CONVERSIONS, txnId, partition, activeOnly),
                c -> advertiserId.isEmpty() || advertiserId.get().equals(c.getAdvertiserId()));
        return Question.allPartitions(QueryStores.TXN_CONVERSIONS, QueryStores.VIEWS_TOPIC, answerer)
                .allowingStale(RequestParams.flag(request, "allow_stale", false));
    }

    @Override
    public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) throws NotFound {
        ObjectNode found = ConversionList.concat(byPartition.values());
        // As looked up: stripped of the blanks question() ignored.
        String txnId = RequestParams.text(request, "txn_id").orElse("");
        if (found.path(ConversionList.CONVERSIONS).isEmpty()) {
            throw new NotFound("no conversion with txn_id " + txnId + " (unknown, or older than the click retention)");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("txn_id", txnId);
        body.setAll(found);
        return body;
    }
}

package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A list of conversions as a partition answers it: {@code conversions}, and {@code truncated: true}
 * when the view dropped older ones to keep within its bound.
 */
final class ConversionList {

    static final String CONVERSIONS = "conversions";
    private static final String TRUNCATED = "truncated";

    private ConversionList() {
    }

    static ObjectNode empty() {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.putArray(CONVERSIONS);
        return list;
    }

    /**
     * The filings of one key in one partition as one list: a key the view filed more than once (see
     * topology's ConversionIndex). A conversion in two filings (a view written before each update
     * went to the filing that holds it) is listed once, at its later filing. Truncated when a filing
     * dropped older conversions, or when older filings were left unread.
     */
    static ObjectNode of(ConversionFilings filings, Predicate<AttributedConversion> wanted) {
        Map<String, AttributedConversion> byId = new LinkedHashMap<>();
        boolean truncated = filings.cut();
        for (ClickConversions filing : filings.oldestFirst()) {
            for (AttributedConversion conversion : filing.getConversions()) {
                byId.remove(conversion.getConversionId());
                byId.put(conversion.getConversionId(), conversion);
            }
            truncated |= filing.getTruncated();
        }
        ObjectNode list = empty();
        ArrayNode conversions = (ArrayNode) list.get(CONVERSIONS);
        byId.values().stream().filter(wanted).forEach(conversion -> conversions.add(AvroJson.of(conversion)));
        if (truncated) {
            list.put(TRUNCATED, true);
        }
        return list;
    }

    /** The partitions' lists one after the other; truncated when any of them is. */
    static ObjectNode concat(Collection<JsonNode> answers) {
        ObjectNode list = empty();
        ArrayNode conversions = (ArrayNode) list.get(CONVERSIONS);
        for (JsonNode answer : answers) {
            answer.path(CONVERSIONS).forEach(conversions::add);
            if (answer.path(TRUNCATED).asBoolean(false)) {
                list.put(TRUNCATED, true);
            }
        }
        return list;
    }
}

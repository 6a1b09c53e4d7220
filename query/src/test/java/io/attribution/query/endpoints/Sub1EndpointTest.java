package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.StatsBucket;
import io.attribution.query.protocol.BadParameter;
import io.attribution.topology.Sub1Key;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sub1 breakdown's question and merge: ranked on the partitions' sums, the rest summed, bounds refused. */
class Sub1EndpointTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:34:56Z"), ZoneOffset.UTC);
    private final Sub1Endpoint endpoint = new Sub1Endpoint(CLOCK);

    @Test
    void theTopIsRankedOnTheSumOfThePartitionsAndTheRestAddsUpToTheTotal() throws BadParameter {
        HttpServletRequest request = request("/camp-1/aff-7", Map.of("limit", "2"));
        endpoint.question(request);
        SortedMap<Integer, JsonNode> partitions = new TreeMap<>();
        // "b" leads on partition 0, "a" on the sums; "c" ties "b" on clicks and wins on conversions.
        partitions.put(0, partition(row("VALUE", "a", 1, 0, null), row("VALUE", "b", 5, 0, null),
                row("NONE", null, 4, 1, "1.00")));
        partitions.put(1, partition(row("VALUE", "a", 9, 1, "3.00"), row("VALUE", "c", 5, 2, "2.00"),
                row("OTHER", null, 7, 0, null)));

        ObjectNode body = endpoint.merge(request, partitions);

        assertThat(body.path("from").asText()).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(body.path("to").asText()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(body.path("sub1_values").asInt()).isEqualTo(3);
        assertThat(body.path("capped").asBoolean()).isTrue();
        assertThat(body.path("subs")).extracting(row -> row.path("sub1").asText()).containsExactly("a", "c");
        assertThat(body.at("/subs/0/clicks").asLong()).isEqualTo(10);
        assertThat(body.at("/subs/0/conversion_rate").asText()).isEqualTo("0.1");
        assertThat(body.at("/subs/0/epc/USD").asText()).isEqualTo("0.30");
        assertThat(body.at("/rest/clicks").asLong()).as("b, past the limit, and the values past the cap")
                .isEqualTo(5 + 7);
        assertThat(body.at("/no_sub1/clicks").asLong()).isEqualTo(4);
        assertThat(body.at("/total/clicks").asLong()).isEqualTo(10 + 5 + 12 + 4);
        assertThat(body.at("/total/payout/USD").asText()).isEqualTo("6.00");
        assertThat(body.at("/total/conversion_rate").asText()).as("4 in 31").isEqualTo("0.129032");
    }

    @Test
    void nothingCountedIsAnEmptyTopWithoutRates() throws BadParameter {
        HttpServletRequest request = request("/camp-1/aff-7", Map.of());
        endpoint.question(request);

        ObjectNode body = endpoint.merge(request, new TreeMap<>(Map.of(0, partition(), 1, partition())));

        assertThat(body.path("subs").size()).isZero();
        assertThat(body.path("capped").asBoolean()).isFalse();
        assertThat(body.at("/total/conversion_rate").isNull()).isTrue();
        assertThat(body.path("limit").asInt()).isEqualTo(Sub1Endpoint.DEFAULT_LIMIT);
    }

    @Test
    void aPathOfAnotherShapeALimitOrARangeOutOfBoundsIsRefusedNamingTheField() {
        assertField(request("/camp-1", Map.of()), "affiliate_id");
        assertField(request("/camp-1/aff-7/extra", Map.of()), "path");
        assertField(request("/camp-1/aff-7", Map.of("limit", "0")), "limit");
        assertField(request("/camp-1/aff-7", Map.of("limit", String.valueOf(Sub1Endpoint.MAX_LIMIT + 1))), "limit");
        assertField(request("/camp-1/aff-7", Map.of("from", "2026-10-01", "to", "2026-11-02")), "from");
        assertField(request("/camp-1/aff-7", Map.of("from", "2026-11-02", "to", "2026-11-01")), "to");
    }

    private void assertField(HttpServletRequest request, String field) {
        assertThatThrownBy(() -> endpoint.question(request)).isInstanceOfSatisfying(BadParameter.class,
                refused -> assertThat(refused.field()).isEqualTo(field));
    }

    private static ArrayNode partition(ObjectNode... rows) {
        ArrayNode partition = JsonNodeFactory.instance.arrayNode();
        List.of(rows).forEach(partition::add);
        return partition;
    }

    /** A row as a partition writes it: a bucket's totals with its kind and value. */
    private static ObjectNode row(String kind, String sub1, long clicks, long approved, String payout) {
        StatsBucket bucket = StatsBucket.newBuilder().setClicks(clicks)
                .setConversions(approved == 0 ? Map.of() : Map.of("APPROVED", approved))
                .setPayout(payout == null ? Map.of() : Map.of("USD", payout)).build();
        return new StatsTotals().add(bucket).toJson().put("kind", Sub1Key.Kind.valueOf(kind).name()).put("sub1", sub1);
    }

    /** Only what the endpoint reads of a request: its path after the servlet's, parameters and attributes. */
    private static HttpServletRequest request(String pathInfo, Map<String, String> parameters) {
        Map<String, Object> attributes = new HashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(Sub1EndpointTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getPathInfo" -> pathInfo;
                    case "getRequestURI" -> "/stats/sub1" + pathInfo;
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

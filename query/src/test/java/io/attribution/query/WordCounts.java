package io.attribution.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.query.endpoints.QueryEndpoint;
import io.attribution.query.protocol.BadParameter;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.Question;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;

/**
 * The toy application the routing is proven on: {@code words} (key = word) counted per word into
 * the persistent store {@code counts}, with a keyed endpoint and a fan-out endpoint over it.
 */
final class WordCounts {

    static final String TOPIC = "words";
    static final String STORE = "counts";
    static final int PARTITIONS = 6;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private WordCounts() {
    }

    static Topology topology(Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        builder.stream(TOPIC, Consumed.with(Serdes.String(), Serdes.String()).withName("words-source"))
                .groupByKey(Grouped.with("words-by-word", Serdes.String(), Serdes.String()))
                .count(Named.as("count-words"), Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()));
        return builder.build();
    }

    /** {@code GET /counts/{word}}: one word's count, from the partition that holds the word. */
    static QueryEndpoint byWord() {
        return new QueryEndpoint() {
            @Override
            public Question question(HttpServletRequest request) throws BadParameter {
                String path = request.getPathInfo();
                if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
                    throw new BadParameter("word", "expected /counts/{word}");
                }
                String word = path.substring(1);
                return Question.forKey(STORE, TOPIC, word, (streams, partition, activeOnly) -> LocalStore.read(streams,
                        STORE, QueryableStoreTypes.<String, Long>keyValueStore(), partition, activeOnly, store -> {
                            Long count = store.get(word);
                            return JSON.objectNode().put("word", word).put("count", count == null ? 0 : count);
                        })).allowingStale(true);
            }

            @Override
            public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) {
                // A keyed question has exactly one target partition.
                return (ObjectNode) byPartition.values().iterator().next().deepCopy();
            }
        };
    }

    /** {@code GET /counts}: the number of words counted, summed over every partition. */
    static QueryEndpoint total() {
        return new QueryEndpoint() {
            @Override
            public Question question(HttpServletRequest request) {
                return Question.allPartitions(STORE, TOPIC, (streams, partition, activeOnly) -> LocalStore.read(streams,
                        STORE, QueryableStoreTypes.<String, Long>keyValueStore(), partition, activeOnly, store -> {
                            long total = 0;
                            long words = 0;
                            try (KeyValueIterator<String, Long> counts = store.all()) {
                                while (counts.hasNext()) {
                                    total += counts.next().value;
                                    words++;
                                }
                            }
                            return JSON.objectNode().put("total", total).put("words", words);
                        })).allowingStale(true);
            }

            @Override
            public ObjectNode merge(HttpServletRequest request, SortedMap<Integer, JsonNode> byPartition) {
                long total = 0;
                long words = 0;
                ObjectNode perPartition = JSON.objectNode();
                for (Map.Entry<Integer, JsonNode> answer : byPartition.entrySet()) {
                    total += answer.getValue().get("total").asLong();
                    words += answer.getValue().get("words").asLong();
                    perPartition.put(answer.getKey().toString(), answer.getValue().get("total").asLong());
                }
                ObjectNode body = JSON.objectNode().put("total", total).put("words", words);
                body.set("by_partition", perPartition);
                return body;
            }
        };
    }
}

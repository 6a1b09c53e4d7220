package io.attribution.query.routing;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Answers a question for ONE partition from this instance's own stores, never asking another
 * instance. Answers are per partition so that a merge adds each partition exactly once and a
 * partition nobody could answer stays visible as missing.
 */
@FunctionalInterface
public interface PartitionReader {

    /**
     * @param activeOnly true to refuse a standby copy (see {@link LocalStore#query})
     * @throws PartitionUnavailable when this instance cannot answer for {@code partition} now
     */
    JsonNode answer(KafkaStreams streams, int partition, boolean activeOnly) throws PartitionUnavailable;
}

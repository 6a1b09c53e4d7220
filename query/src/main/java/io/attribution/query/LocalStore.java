package io.attribution.query;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

import java.util.Set;

/**
 * One IQv2 query against one partition of a local store, with every failure turned into
 * {@link PartitionUnavailable}: the building block of {@link PartitionAnswerer}s.
 */
public final class LocalStore {

    private LocalStore() {
    }

    /**
     * Runs {@code query} on partition {@code partition} of {@code store} in this instance.
     * A result that holds resources (a {@code KeyValueIterator} from a range query) must be closed
     * by the caller, with try-with-resources.
     *
     * @param activeOnly true: only a running active task answers (IQv2 {@code requireActive()});
     *                   false: a standby or restoring copy answers too, and may lag behind
     * @throws PartitionUnavailable with the IQv2 failure reason ({@code NOT_ACTIVE},
     *                              {@code NOT_PRESENT}, {@code NOT_UP_TO_BOUND}...), or
     *                              {@code NOT_RUNNING} when Kafka Streams is not running
     */
    public static <R> R query(KafkaStreams streams, String store, Query<R> query, int partition, boolean activeOnly)
            throws PartitionUnavailable {
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            // Stores of a created, stopping or failed instance are closed or half-open.
            throw new PartitionUnavailable("NOT_RUNNING", "Kafka Streams is " + state);
        }
        StateQueryRequest<R> request = StateQueryRequest.inStore(store).withQuery(query).withPartitions(Set.of(partition));
        if (activeOnly) {
            request = request.requireActive();
        }
        StateQueryResult<R> result;
        try {
            result = streams.query(request);
        } catch (RuntimeException e) {
            // The instance stopped between the state check and the query (StreamsStoppedException...).
            throw new PartitionUnavailable("NOT_RUNNING", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        QueryResult<R> partitionResult = result.getPartitionResults().get(partition);
        if (partitionResult == null) {
            throw new PartitionUnavailable("NOT_PRESENT", "no result for partition " + partition);
        }
        if (partitionResult.isFailure()) {
            throw new PartitionUnavailable(partitionResult.getFailureReason().name(), partitionResult.getFailureMessage());
        }
        return partitionResult.getResult();
    }
}

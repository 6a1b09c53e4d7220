package io.attribution.query.routing;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.errors.StateStoreMigratedException;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * One read of one partition of a local store, with every failure turned into
 * {@link PartitionUnavailable}: the building block of {@link PartitionReader}s.
 *
 * <p>Reads go through the read-only store interfaces ({@code KafkaStreams#store}), not IQv2's
 * {@code StateQueryRequest}: in Kafka Streams 4.3.1 an IQv2 query takes the store's position lock
 * and then the store's lock, while a write takes them the other way round, so a query racing the
 * stream thread's writes can deadlock processing for good (KAFKA-19629, fixed upstream after
 * 4.3.1; our query latency benchmark hit it on the stats store). The read-only interfaces never
 * take the position lock. Move back to IQv2 with a Kafka release that has the fix.
 */
public final class LocalStore {

    /** What to read from the store; iterators opened here must be closed here (try-with-resources). */
    @FunctionalInterface
    public interface Read<S, R> {
        R from(S store);
    }

    private LocalStore() {
    }

    /**
     * Reads partition {@code partition} of {@code store} in this instance.
     *
     * @param activeOnly true: only a running active task answers; false: a standby copy answers
     *                   too, and may lag behind
     * @throws PartitionUnavailable {@code NOT_RUNNING} when Kafka Streams is not running,
     *                              {@code NOT_PRESENT} when this instance holds no such copy,
     *                              {@code MIGRATED} when a rebalance moved it (even mid-read),
     *                              {@code UNKNOWN_STORE}, {@code STORE_UNAVAILABLE}
     */
    public static <S, R> R read(KafkaStreams streams, String store, QueryableStoreType<S> type, int partition,
                                boolean activeOnly, Read<S, R> read) throws PartitionUnavailable {
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            // Stores of a created, stopping or failed instance are closed or half-open.
            throw new PartitionUnavailable("NOT_RUNNING", "Kafka Streams is " + state);
        }
        StoreQueryParameters<S> parameters = StoreQueryParameters.fromNameAndType(store, type).withPartition(partition);
        try {
            return read.from(streams.store(activeOnly ? parameters : parameters.enableStaleStores()));
        } catch (InvalidStateStorePartitionException e) {
            throw new PartitionUnavailable("NOT_PRESENT", e.getMessage());
        } catch (StateStoreMigratedException e) {
            throw new PartitionUnavailable("MIGRATED", e.getMessage());
        } catch (StateStoreNotAvailableException e) {
            throw new PartitionUnavailable("NOT_RUNNING", e.getMessage());
        } catch (UnknownStateStoreException e) {
            throw new PartitionUnavailable("UNKNOWN_STORE", e.getMessage());
        } catch (InvalidStateStoreException e) {
            throw new PartitionUnavailable("STORE_UNAVAILABLE", e.getMessage());
        }
    }
}

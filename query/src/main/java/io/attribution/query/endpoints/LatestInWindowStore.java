package io.attribution.query.endpoints;

import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionUnavailable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;
import java.util.Optional;

/**
 * The newest value of a key in one partition of a window store. The topology keeps expiring
 * key-value data in window stores with point entries (see topology/DESIGN.md); the newest entry is
 * the current value.
 */
final class LatestInWindowStore {

    /** Far enough ahead for any clock skew, well short of where millis overflow. */
    static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private LatestInWindowStore() {
    }

    static <V> Optional<V> find(KafkaStreams streams, String store, String key, int partition, boolean activeOnly)
            throws PartitionUnavailable {
        return LocalStore.read(streams, store, QueryableStoreTypes.<String, V>windowStore(), partition, activeOnly,
                window -> {
                    try (WindowStoreIterator<V> newestFirst = window.backwardFetch(key, Instant.EPOCH, LATEST)) {
                        return newestFirst.hasNext() ? Optional.of(newestFirst.next().value) : Optional.empty();
                    }
                });
    }
}

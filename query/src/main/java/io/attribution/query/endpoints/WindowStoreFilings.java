package io.attribution.query.endpoints;

import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionUnavailable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every value of a key in one partition of a window store, oldest filing first: for the views
 * that may file one key more than once (the conversion indexes, see topology's ConversionIndex),
 * where the reader merges what the writer did not look for.
 */
final class WindowStoreFilings {

    private WindowStoreFilings() {
    }

    static <V> List<V> all(KafkaStreams streams, String store, String key, int partition, boolean activeOnly)
            throws PartitionUnavailable {
        return LocalStore.read(streams, store, QueryableStoreTypes.<String, V>windowStore(), partition, activeOnly,
                window -> {
                    List<V> filings = new ArrayList<>();
                    try (WindowStoreIterator<V> oldestFirst = window.fetch(key, Instant.EPOCH, LatestInWindowStore.LATEST)) {
                        oldestFirst.forEachRemaining(filing -> filings.add(filing.value));
                    }
                    return filings;
                });
    }
}

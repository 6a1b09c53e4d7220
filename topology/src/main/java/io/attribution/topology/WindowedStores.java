package io.attribution.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Instant;
import java.util.Optional;

/**
 * Windowed stores hold the state that must expire (clicks, ledgers, counters): the store drops
 * whole segments past its retention, so nothing is ever scanned to forget old entries.
 */
final class WindowedStores {

    private static final long EARLIEST = Instant.EPOCH.toEpochMilli();
    private static final long LATEST = Long.MAX_VALUE;

    private WindowedStores() {
    }

    /** The newest value under {@code key}, with the time it is filed under. */
    static <V> Optional<KeyValue<Long, V>> latest(WindowStore<String, V> store, String key) {
        try (WindowStoreIterator<V> values = newestFirst(store, key)) {
            return values.hasNext() ? Optional.of(values.next()) : Optional.empty();
        }
    }

    /** Every value under {@code key}, newest filing first; the caller closes it. */
    static <V> WindowStoreIterator<V> newestFirst(WindowStore<String, V> store, String key) {
        // The Instant overload, which only converts to these millis, formats its error messages up
        // front: a String.format per lookup, a few percent of the topology's time.
        return store.backwardFetch(key, EARLIEST, LATEST);
    }

    /**
     * As {@link #latest(WindowStore, String)}, looking first at {@code likelyAt}: one get in one
     * segment, where the scan opens an iterator in every segment. Only for stores that hold at
     * most one live value per key (each refiled where it was found, a new one filed only when none
     * was found): the value found there is then the latest.
     */
    static <V> Optional<KeyValue<Long, V>> latest(WindowStore<String, V> store, String key, long likelyAt) {
        V there = store.fetch(key, likelyAt);
        return there != null ? Optional.of(KeyValue.pair(likelyAt, there)) : latest(store, key);
    }
}

package io.attribution.topology;

import io.attribution.avro.RawPostback;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Postbacks that arrived before their click. Keyed click_id + NUL + request_id, so the postbacks
 * of one click are one prefix scan away. Only postbacks within grace are here, so a full scan to
 * find the expired ones stays small.
 */
final class PendingPostbacks {

    private static final char SEPARATOR = '\u0000';

    private final KeyValueStore<String, RawPostback> store;

    PendingPostbacks(KeyValueStore<String, RawPostback> store) {
        this.store = store;
    }

    void hold(RawPostback postback) {
        store.put(QueryStores.pendingKey(postback.getClickId(), postback.getRequestId()), postback);
    }

    /** Removes and returns the postbacks waiting for this click, oldest first. */
    List<RawPostback> release(String clickId) {
        List<KeyValue<String, RawPostback>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, RawPostback> entries = store.prefixScan(clickId + SEPARATOR, new StringSerializer())) {
            entries.forEachRemaining(waiting::add);
        }
        waiting.forEach(entry -> store.delete(entry.key));
        return waiting.stream().map(entry -> entry.value)
                .sorted((a, b) -> a.getReceivedAt().compareTo(b.getReceivedAt())).toList();
    }

    /** Removes and returns the postbacks whose grace ended at or before {@code now}. */
    List<RawPostback> expire(Instant now, Duration grace) {
        List<KeyValue<String, RawPostback>> expired = new ArrayList<>();
        try (KeyValueIterator<String, RawPostback> entries = store.all()) {
            entries.forEachRemaining(entry -> {
                if (!entry.value.getReceivedAt().plus(grace).isAfter(now)) {
                    expired.add(entry);
                }
            });
        }
        expired.forEach(entry -> store.delete(entry.key));
        return expired.stream().map(entry -> entry.value).toList();
    }
}

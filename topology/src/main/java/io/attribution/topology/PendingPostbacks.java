package io.attribution.topology;

import io.attribution.avro.RawPostback;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Postbacks that arrived before their click. Keyed click_id + NUL + request_id, so the postbacks
 * of one click are one prefix scan away; and filed a second time, key only, in a time index
 * ordered by receipt time, so that ending grace reads the expired entries and stops at the first
 * that is not: a store full of postbacks still within grace costs one seek per check.
 */
final class PendingPostbacks {

    private static final char SEPARATOR = '\u0000';
    private static final byte[] NOTHING = new byte[0];

    private final KeyValueStore<String, RawPostback> store;
    private final KeyValueStore<Bytes, byte[]> byTime;
    private boolean indexChecked;

    /**
     * @param byTime big-endian receipt millis + the postback's key in {@code store} -> nothing
     */
    PendingPostbacks(KeyValueStore<String, RawPostback> store, KeyValueStore<Bytes, byte[]> byTime) {
        this.store = store;
        this.byTime = byTime;
    }

    void hold(RawPostback postback) {
        indexIfUnindexed();
        String key = QueryStores.pendingKey(postback.getClickId(), postback.getRequestId());
        store.put(key, postback);
        byTime.put(timeKey(postback.getReceivedAt(), key), NOTHING);
    }

    /** Removes and returns the postbacks waiting for this click, oldest first. */
    List<RawPostback> release(String clickId) {
        List<KeyValue<String, RawPostback>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, RawPostback> entries =
                     store.prefixScan(clickId + SEPARATOR, new StringSerializer())) {
            entries.forEachRemaining(waiting::add);
        }
        waiting.forEach(entry -> {
            store.delete(entry.key);
            byTime.delete(timeKey(entry.value.getReceivedAt(), entry.key));
        });
        return waiting.stream().map(entry -> entry.value)
                .sorted((a, b) -> a.getReceivedAt().compareTo(b.getReceivedAt())).toList();
    }

    /** Removes and returns the postbacks whose grace ended at or before {@code now}, oldest first. */
    List<RawPostback> expire(Instant now, Duration grace) {
        indexIfUnindexed();
        long lastExpiredReceipt = now.minus(grace).toEpochMilli();
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = byTime.all()) {
            while (entries.hasNext()) {
                Bytes timeKey = entries.next().key;
                if (receivedMillis(timeKey) > lastExpiredReceipt) {
                    break;
                }
                expired.add(timeKey);
            }
        }
        List<RawPostback> postbacks = new ArrayList<>(expired.size());
        for (Bytes timeKey : expired) {
            String key = pendingKey(timeKey);
            RawPostback postback = store.get(key);
            if (postback != null) {
                postbacks.add(postback);
                store.delete(key);
            }
            byTime.delete(timeKey);
        }
        return postbacks;
    }

    /**
     * A store kept by a release without the time index holds postbacks no index entry names: they
     * are filed before this task first holds or expires one. Both stores change together in one
     * transaction (exactly once), so an empty index with postbacks waiting happens only after that
     * upgrade; otherwise this costs a seek in each store.
     */
    private void indexIfUnindexed() {
        if (indexChecked) {
            return;
        }
        indexChecked = true;
        try (KeyValueIterator<Bytes, byte[]> indexed = byTime.all()) {
            if (indexed.hasNext()) {
                return;
            }
        }
        try (KeyValueIterator<String, RawPostback> entries = store.all()) {
            entries.forEachRemaining(entry -> byTime.put(timeKey(entry.value.getReceivedAt(), entry.key), NOTHING));
        }
    }

    /** Receipt time first, sign bit flipped so that unsigned byte order is time order. */
    private static Bytes timeKey(Instant receivedAt, String pendingKey) {
        byte[] key = pendingKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + key.length)
                .putLong(receivedAt.toEpochMilli() ^ Long.MIN_VALUE).put(key).array());
    }

    private static long receivedMillis(Bytes timeKey) {
        return ByteBuffer.wrap(timeKey.get()).getLong() ^ Long.MIN_VALUE;
    }

    private static String pendingKey(Bytes timeKey) {
        byte[] bytes = timeKey.get();
        return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    }
}

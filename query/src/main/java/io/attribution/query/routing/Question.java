package io.attribution.query.routing;

import java.util.Objects;
import java.util.Optional;

/**
 * What a client asked, in the terms the router needs: which store, which partitions of it (all,
 * or the one holding a key), how another instance is asked the same question over HTTP, how one
 * partition is answered locally, and whether a standby's possibly lagging copy is acceptable.
 * Immutable; the {@code with...} methods return copies.
 */
public final class Question {

    private final String store;
    private final String sourceTopic;
    private final String key;
    private final PartitionReader answerer;
    private final String pathAndQuery;
    private final boolean allowStale;

    private Question(String store, String sourceTopic, String key, PartitionReader answerer, String pathAndQuery,
                     boolean allowStale) {
        this.store = Objects.requireNonNull(store, "store");
        this.sourceTopic = Objects.requireNonNull(sourceTopic, "sourceTopic");
        this.key = key;
        this.answerer = Objects.requireNonNull(answerer, "answerer");
        this.pathAndQuery = pathAndQuery;
        this.allowStale = allowStale;
    }

    /**
     * A question about every partition of {@code store} (range scans, totals), fanned out to all
     * owners. Not stale-tolerant until {@link #allowingStale} says so.
     *
     * @param sourceTopic the input topic of the store's sub-topology: its partitions are the store's
     *                    partitions, and Kafka Streams reports owners per topic partition
     */
    public static Question allPartitions(String store, String sourceTopic, PartitionReader answerer) {
        return new Question(store, sourceTopic, null, answerer, null, false);
    }

    /**
     * A question about the one partition of {@code store} that holds {@code key}, located with
     * {@code KafkaStreams.queryMetadataForKey} and the String key serializer (the key type of every
     * topic in this pipeline).
     */
    public static Question forKey(String store, String sourceTopic, String key, PartitionReader answerer) {
        return new Question(store, sourceTopic, Objects.requireNonNull(key, "key"), answerer, null, false);
    }

    /**
     * @param pathAndQuery the raw (still percent-encoded) path and query string another instance
     *                     serves this question at, e.g. {@code /counts/apple} or {@code /stats?hour=3};
     *                     the router appends {@code partitions=...}
     */
    public Question forwardedAs(String pathAndQuery) {
        return new Question(store, sourceTopic, key, answerer, Objects.requireNonNull(pathAndQuery), allowStale);
    }

    /** @param allowStale true: a partition whose active copy is unreachable may be answered by a standby */
    public Question allowingStale(boolean allowStale) {
        return new Question(store, sourceTopic, key, answerer, pathAndQuery, allowStale);
    }

    public String store() {
        return store;
    }

    public String sourceTopic() {
        return sourceTopic;
    }

    /** The key of a keyed question; empty for an all-partitions question. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    public PartitionReader answerer() {
        return answerer;
    }

    /** Empty until {@link #forwardedAs}: such a question is answered from local partitions only. */
    public Optional<String> pathAndQuery() {
        return Optional.ofNullable(pathAndQuery);
    }

    public boolean allowStale() {
        return allowStale;
    }

    @Override
    public String toString() {
        return "Question{store=" + store + ", topic=" + sourceTopic + (key == null ? ", all partitions" : ", key=" + key)
                + ", path=" + pathAndQuery + ", allowStale=" + allowStale + "}";
    }
}

package io.attribution.query.routing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The router's answer to a {@link Question}, kept per partition: merging adds each partition once,
 * and what could not be answered is listed, never silently dropped. Only a {@link #complete()}
 * answer may be shown to a client as a result.
 */
public final class RoutedAnswer {

    private final SortedMap<Integer, JsonNode> byPartition;
    private final SortedSet<Integer> stalePartitions;
    private final SortedMap<String, String> failedHosts;
    private final SortedSet<Integer> missingPartitions;
    private final SortedMap<Integer, String> answeredBy;
    private final SortedMap<Integer, String> unavailable;
    private final String unresolved;
    private final String notHeld;

    RoutedAnswer(Map<Integer, JsonNode> byPartition, Set<Integer> stalePartitions, Map<String, String> failedHosts,
           Set<Integer> missingPartitions, Map<Integer, String> answeredBy, Map<Integer, String> unavailable,
           String unresolved) {
        this(byPartition, stalePartitions, failedHosts, missingPartitions, answeredBy, unavailable, unresolved, null);
    }

    private RoutedAnswer(Map<Integer, JsonNode> byPartition, Set<Integer> stalePartitions,
                         Map<String, String> failedHosts, Set<Integer> missingPartitions,
                         Map<Integer, String> answeredBy, Map<Integer, String> unavailable, String unresolved,
                         String notHeld) {
        this.byPartition = Collections.unmodifiableSortedMap(new TreeMap<>(byPartition));
        this.stalePartitions = Collections.unmodifiableSortedSet(new TreeSet<>(stalePartitions));
        this.failedHosts = Collections.unmodifiableSortedMap(new TreeMap<>(failedHosts));
        this.missingPartitions = Collections.unmodifiableSortedSet(new TreeSet<>(missingPartitions));
        this.answeredBy = Collections.unmodifiableSortedMap(new TreeMap<>(answeredBy));
        this.unavailable = Collections.unmodifiableSortedMap(new TreeMap<>(unavailable));
        this.unresolved = unresolved;
        this.notHeld = notHeld;
    }

    /** Not even the target partitions are known (Kafka Streams not running, no metadata yet). */
    static RoutedAnswer unresolved(String why) {
        return new RoutedAnswer(Map.of(), Set.of(), Map.of(), Set.of(), Map.of(), Map.of(), why);
    }

    /**
     * This instance runs no application that holds the question's store (its topology role leaves
     * that application to other instances): asking again here will not help.
     */
    static RoutedAnswer notHeld(String why) {
        return new RoutedAnswer(Map.of(), Set.of(), Map.of(), Set.of(), Map.of(), Map.of(), null, why);
    }

    /** Each answered partition's JSON, from its active copy or, when {@link #stalePartitions} says so, a standby. */
    public SortedMap<Integer, JsonNode> byPartition() {
        return byPartition;
    }

    /** Partitions answered by a standby copy, which may lag behind the active one. */
    public SortedSet<Integer> stalePartitions() {
        return stalePartitions;
    }

    /** {@code host:port} of each instance that could not be reached or answered badly, with the error. */
    public SortedMap<String, String> failedHosts() {
        return failedHosts;
    }

    /** Target partitions nobody answered: any one of them makes the answer incomplete. */
    public SortedSet<Integer> missingPartitions() {
        return missingPartitions;
    }

    /** {@code host:port} of the instance that answered each partition. */
    public SortedMap<Integer, String> answeredBy() {
        return answeredBy;
    }

    /** Why each missing partition is missing, e.g. {@code NOT_PRESENT at 10.0.0.7:8090}. */
    public SortedMap<Integer, String> unavailable() {
        return unavailable;
    }

    /** Why the target partitions could not even be determined; empty when they were. */
    public Optional<String> unresolved() {
        return Optional.ofNullable(unresolved);
    }

    /** Why no application of this instance holds the store; empty when one does. */
    public Optional<String> notHeld() {
        return Optional.ofNullable(notHeld);
    }

    /** Every target partition answered: the merged result is exact (as of each copy's position). */
    public boolean complete() {
        return unresolved == null && notHeld == null && missingPartitions.isEmpty();
    }

    /** Some partition came from a standby. */
    public boolean stale() {
        return !stalePartitions.isEmpty();
    }

    @Override
    public String toString() {
        return "RoutedAnswer{partitions=" + byPartition.keySet() + ", stale=" + stalePartitions + ", missing="
                + missingPartitions + ", failedHosts=" + failedHosts + ", unavailable=" + unavailable
                + (unresolved == null ? "" : ", unresolved=" + unresolved)
                + (notHeld == null ? "" : ", notHeld=" + notHeld) + "}";
    }
}

package io.attribution.query.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.query.protocol.InstanceReply;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects, over the router's passes, what each target partition got: an answer (from whom, stale
 * or not) or the latest reason it has none. One instance per question, on one thread.
 */
final class ReplyTally {

    private final Set<Integer> targets;
    private final Map<Integer, JsonNode> answers = new TreeMap<>();
    private final Map<Integer, String> answeredBy = new TreeMap<>();
    private final Set<Integer> stale = new TreeSet<>();
    private final Map<Integer, String> unavailable = new TreeMap<>();
    private final Map<String, String> failedHosts = new TreeMap<>();
    private final Map<Integer, Set<String>> asked = new HashMap<>();

    ReplyTally(Set<Integer> targets) {
        this.targets = new TreeSet<>(targets);
    }

    /** Target partitions still without an answer. */
    Set<Integer> missing() {
        Set<Integer> missing = new TreeSet<>(targets);
        missing.removeAll(answers.keySet());
        return missing;
    }

    boolean failed(String host) {
        return failedHosts.containsKey(host);
    }

    /** Whether {@code host} was already asked for {@code partition}: each copy is asked once. */
    boolean asked(int partition, String host) {
        return asked.getOrDefault(partition, Set.of()).contains(host);
    }

    void asking(String host, Collection<Integer> partitions) {
        for (int partition : partitions) {
            asked.computeIfAbsent(partition, p -> new HashSet<>()).add(host);
        }
    }

    /** {@code host} answered for some of {@code partitions} and said why not for the others. */
    void answered(String host, InstanceReply reply, Collection<Integer> partitions, boolean fromStandby) {
        for (int partition : partitions) {
            JsonNode answer = reply.answers().get(partition);
            if (answer == null) {
                unavailable(partition, reply.unavailable().getOrDefault(partition, "NO_ANSWER") + " at " + host);
                continue;
            }
            answers.put(partition, answer);
            answeredBy.put(partition, host);
            if (fromStandby) {
                stale.add(partition);
            }
            unavailable.remove(partition);
        }
    }

    void hostFailed(String host, String error, Collection<Integer> partitions) {
        failedHosts.put(host, error);
        for (int partition : partitions) {
            unavailable(partition, "HOST_FAILED at " + host);
        }
    }

    void unavailable(int partition, String reason) {
        if (!answers.containsKey(partition)) {
            unavailable.put(partition, reason);
        }
    }

    RoutedAnswer build() {
        Set<Integer> missing = missing();
        Map<Integer, String> reasons = new TreeMap<>(unavailable);
        reasons.keySet().retainAll(missing);
        for (int partition : missing) {
            reasons.putIfAbsent(partition, "NOT_ASKED");
        }
        return new RoutedAnswer(answers, stale, failedHosts, missing, answeredBy, reasons, null);
    }
}

package io.attribution.management;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the management port's {@code /healthz} and {@code /readyz} answer: the parts a process runs
 * each register what they know. Liveness asks "restart me?" (a part that cannot recover by itself:
 * Kafka Streams in ERROR, a dead stream thread, a campaign catalog whose follower stopped);
 * readiness asks "send me work?" (a part that is not there yet or is waiting for something outside:
 * restoring, rebalancing, a stale catalog).
 */
public final class HealthChecks {

    /** One part's answer: up or not, and its state in a word or two, e.g. {@code RUNNING} or {@code STALE}. */
    public record Status(boolean up, String state) {

        public static Status up(String state) {
            return new Status(true, state);
        }

        public static Status down(String state) {
            return new Status(false, state);
        }
    }

    private final Map<String, Supplier<Status>> liveness = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Status>> readiness = new ConcurrentHashMap<>();

    /** A part whose failure only a restart mends. */
    public void liveness(String part, Supplier<Status> check) {
        liveness.put(part, check);
    }

    /** A part that must be up before this process gets work. */
    public void readiness(String part, Supplier<Status> check) {
        readiness.put(part, check);
    }

    Map<String, Status> live() {
        return evaluate(liveness);
    }

    Map<String, Status> ready() {
        return evaluate(readiness);
    }

    private static Map<String, Status> evaluate(Map<String, Supplier<Status>> checks) {
        Map<String, Status> answers = new LinkedHashMap<>();
        new TreeMap<>(checks).forEach((part, check) -> {
            Status status;
            try {
                status = check.get();
            } catch (RuntimeException e) {
                status = Status.down("check failed: " + e);
            }
            answers.put(part, status);
        });
        return answers;
    }
}

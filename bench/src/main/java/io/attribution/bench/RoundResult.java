package io.attribution.bench;

import java.time.Duration;
import java.util.Map;

/**
 * One round of one contender.
 *
 * @param contender     the topology
 * @param round         its number, counted apart for warm-up and measured rounds
 * @param warmup        whether it is left out of the summary
 * @param input         the round's input
 * @param load          how long writing the input took (before the clock starts)
 * @param fromStart     from {@code KafkaStreams.start()} to caught up
 * @param fromRunning   from the first RUNNING state (tasks ready) to caught up
 * @param decisions     from the first RUNNING state to the last output of the decisions committed; the
 *                      rest of {@code fromRunning} is the views catching up (full topology)
 * @param processCpu    CPU time of this process (the application, the output counter; no broker) from
 *                      start to caught up
 * @param threadCpu     CPU time of the application's stream threads, from their start to caught up
 * @param brokerCpu     CPU time of the broker process from start to caught up
 * @param written       what the round wrote to every topic, from start to caught up
 * @param outputs       records committed per output topic, extra ones included
 * @param loadAverage   the machine's load average (1 min) when the round was done
 * @param applicationId the round's application id (its own topics start with it)
 */
record RoundResult(Contender contender, int round, boolean warmup, RoundInput input, Duration load,
                   Duration fromStart, Duration fromRunning, Duration decisions, Duration processCpu,
                   Duration threadCpu, Duration brokerCpu, TopicFootprint written, Map<String, Long> outputs,
                   double loadAverage, String applicationId) {

    double postbacksPerSecond() {
        return input.postbacks() * 1e9 / fromRunning.toNanos();
    }

    double postbacksPerSecondFromStart() {
        return input.postbacks() * 1e9 / fromStart.toNanos();
    }

    double clicksPerSecond() {
        return input.clicks() * 1e9 / fromRunning.toNanos();
    }

    /** Input records (clicks and postbacks) per second from RUNNING: what the next round is sized by. */
    double recordsPerSecond() {
        return input.records() * 1e9 / fromRunning.toNanos();
    }

    double processMicrosPerPostback() {
        return perPostback(processCpu.toNanos()) / 1e3;
    }

    double threadMicrosPerPostback() {
        return perPostback(threadCpu.toNanos()) / 1e3;
    }

    double brokerMicrosPerPostback() {
        return perPostback(brokerCpu.toNanos()) / 1e3;
    }

    double offsetsPerPostback() {
        return perPostback(written.totalOffsets());
    }

    double bytesPerPostback() {
        return perPostback(written.totalBytes());
    }

    double viewsLagSeconds() {
        return fromRunning.minus(decisions).toNanos() / 1e9;
    }

    private double perPostback(double total) {
        return total / input.postbacks();
    }
}

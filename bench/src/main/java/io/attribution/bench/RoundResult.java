package io.attribution.bench;

import java.time.Duration;
import java.util.Map;

/**
 * One run of one topology over the whole pre-loaded input.
 *
 * @param fromStart   from {@code KafkaStreams.start()} until the last expected output was committed
 * @param fromRunning from the first RUNNING state (group joined, tasks and stores ready) until then
 * @param cpu         CPU time this whole process (broker included) used from start until then: the
 *                    work done, whatever else the machine was busy with
 * @param outputs     records committed per output topic, extra ones included
 */
record RoundResult(Contender contender, int round, boolean warmup, long postbacks, Duration fromStart,
                   Duration fromRunning, Duration cpu, Map<String, Long> outputs) {

    double perSecondFromStart() {
        return perSecond(fromStart);
    }

    double perSecondFromRunning() {
        return perSecond(fromRunning);
    }

    double perCpuSecond() {
        return perSecond(cpu);
    }

    private double perSecond(Duration elapsed) {
        return postbacks * 1e9 / elapsed.toNanos();
    }
}

package io.attribution.connect.postbacks;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One task's counts. Logged at INFO now and then, and registered as Connect plugin metrics, so they show in JMX as
 * {@code kafka.connect:type=plugins,connector=<name>,task=<n>} next to the worker's own metrics.
 */
final class PostbackStats {

    final LongAdder sent = new LongAdder();
    final LongAdder skippedNoTemplate = new LongAdder();
    final LongAdder skippedStatus = new LongAdder();
    final LongAdder skippedTest = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final AtomicInteger pending = new AtomicInteger();

    long skipped() {
        return skippedNoTemplate.sum() + skippedStatus.sum() + skippedTest.sum();
    }

    void register(PluginMetrics metrics) {
        add(metrics, "postbacks-sent-total", "Postbacks an affiliate answered with a 2xx.", sent::sum);
        add(metrics, "postbacks-skipped-total", "Conversions that fired no postback (the three reasons below).",
                this::skipped);
        add(metrics, "postbacks-skipped-no-template-total",
                "Conversions of affiliates without a postback template (affiliates.<id>.url).", skippedNoTemplate::sum);
        add(metrics, "postbacks-skipped-status-total",
                "Conversions whose status or status change the affiliate did not ask for (.statuses, .updates).",
                skippedStatus::sum);
        add(metrics, "postbacks-skipped-test-total",
                "Test conversions (of the postback tester's clicks): no affiliate postback fires for them.",
                skippedTest::sum);
        add(metrics, "postbacks-failed-total",
                "Postbacks given up (a 4xx, or retries exhausted) and sent to the dead-letter topic.", failed::sum);
        add(metrics, "postbacks-retries-total", "Postback attempts after the first (5xx, 429, timeouts, I/O errors).",
                retries::sum);
        add(metrics, "postbacks-pending", "Records taken from Kafka whose postback is not done yet.", pending::get);
    }

    private static void add(PluginMetrics metrics, String name, String description, LongSupplier value) {
        MetricName metricName = metrics.metricName(name, description, new LinkedHashMap<>());
        metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.getAsLong());
    }

    String summary() {
        return "sent=" + sent.sum() + " skipped=" + skipped() + " (no template " + skippedNoTemplate.sum()
                + ", status not wanted " + skippedStatus.sum()
                + ", test " + skippedTest.sum() + ") failed=" + failed.sum() + " retries="
                + retries.sum() + " pending=" + pending.get();
    }
}

package io.attribution.management;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Kafka Streams' own metrics ({@code KafkaStreams#metrics()}), read at scrape time, as Prometheus
 * metrics named {@code kafka_streams_<level>_<name>} with the Kafka tags as labels; the levels are
 * Kafka's metric groups {@code client}, {@code thread}, {@code task}, {@code processor_node}, the
 * topology's own {@code attribution} (records on the wrong input partition) and {@code campaign_store}
 * (the global campaign store's dead letters), and {@code consumer_fetch_manager} for the consumers'
 * maximum lag. The embedded clients' hundreds of other metrics are left out: they would swamp the
 * scrape and say little about attribution.
 * Kafka's cumulative {@code *-total} metrics become counters, every other number a gauge; text
 * values (version, topology description) are dropped, the numeric {@code client-state} and
 * {@code thread-state} stand for them.
 */
public final class KafkaStreamsMetrics implements MultiCollector {

    private static final String PREFIX = "kafka_streams_";
    private static final Set<String> STREAMS_GROUPS = Set.of("stream-metrics", "stream-thread-metrics",
            "stream-task-metrics", "stream-processor-node-metrics", "stream-attribution-metrics",
            "stream-campaign-store-metrics");
    private static final String CONSUMER_FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String CONSUMER_FETCH_NAME = "records-lag-max";
    private static final String TOTAL = "-total";
    /** Named like a cumulative count, yet it falls as restoration goes on. */
    private static final Set<String> FALLING_TOTALS = Set.of("restore-remaining-records-total");

    private final Supplier<? extends Map<MetricName, ? extends Metric>> metrics;

    /** @param metrics e.g. {@code streams::metrics}: asked again on every scrape, as threads and tasks come and go */
    public KafkaStreamsMetrics(Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = metrics;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, Family> families = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.get().entrySet()) {
            MetricName name = entry.getKey();
            if (!isSelected(name) || !(entry.getValue().metricValue() instanceof Number number)) {
                continue;
            }
            double value = number.doubleValue();
            // Kafka reports NaN for a window without samples: absent is how Prometheus says "no data".
            if (!Double.isFinite(value)) {
                continue;
            }
            boolean counter = name.name().endsWith(TOTAL) && !FALLING_TOTALS.contains(name.name());
            String prometheusName = PREFIX + prometheusName(group(name.group()), name.name());
            Family family = families.computeIfAbsent(prometheusName,
                    key -> new Family(key, name.description(), counter));
            // A gauge and a counter mapped to one name, or two tags sanitized alike: keep the first,
            // never fail the whole scrape.
            if (family.counter == counter) {
                family.add(labels(name.tags()), value);
            }
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        families.values().forEach(family -> snapshots.add(family.snapshot()));
        return new MetricSnapshots(snapshots);
    }

    private static boolean isSelected(MetricName name) {
        return STREAMS_GROUPS.contains(name.group())
                || CONSUMER_FETCH_GROUP.equals(name.group()) && CONSUMER_FETCH_NAME.equals(name.name());
    }

    /**
     * {@code thread} and {@code thread-state} make {@code thread_state}, not {@code thread_thread_state};
     * a {@code _total} suffix is the exposition's to add, to counters only.
     */
    private static String prometheusName(String group, String kafkaName) {
        String name = kafkaName.startsWith(group + "-") ? kafkaName.substring(group.length() + 1) : kafkaName;
        if (name.endsWith(TOTAL)) {
            name = name.substring(0, name.length() - TOTAL.length());
        }
        return sanitize(group) + "_" + sanitize(name);
    }

    /** {@code stream-thread-metrics} is {@code thread}; the client-level {@code stream-metrics} is {@code client}. */
    private static String group(String group) {
        String shortened = group.endsWith("-metrics") ? group.substring(0, group.length() - "-metrics".length()) : group;
        if (shortened.equals("stream")) {
            return "client";
        }
        return shortened.startsWith("stream-") ? shortened.substring("stream-".length()) : shortened;
    }

    private static Labels labels(Map<String, String> tags) {
        Labels.Builder labels = Labels.builder();
        new TreeMap<>(tags).forEach((key, value) -> labels.label(sanitize(key), value));
        return labels.build();
    }

    /** Prometheus' classic character set, so any scraper and query language accepts the names as they are. */
    private static String sanitize(String kafkaName) {
        return kafkaName.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** One Prometheus metric: its data points, one per distinct label set. */
    private static final class Family {
        private final String name;
        private final String help;
        private final boolean counter;
        private final Set<Labels> seen = new HashSet<>();
        private final CounterSnapshot.Builder counterSnapshot = CounterSnapshot.builder();
        private final GaugeSnapshot.Builder gaugeSnapshot = GaugeSnapshot.builder();

        Family(String name, String help, boolean counter) {
            this.name = name;
            this.help = help;
            this.counter = counter;
        }

        void add(Labels labels, double value) {
            if (!seen.add(labels)) {
                return;
            }
            if (counter) {
                counterSnapshot.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(labels).value(value).build());
            } else {
                gaugeSnapshot.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels).value(value).build());
            }
        }

        MetricSnapshot snapshot() {
            return counter ? counterSnapshot.name(name).help(help).build() : gaugeSnapshot.name(name).help(help).build();
        }
    }
}

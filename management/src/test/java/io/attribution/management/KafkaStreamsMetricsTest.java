package io.attribution.management;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka's metric registry, as Kafka Streams fills it, read the way a scrape reads it. */
class KafkaStreamsMetricsTest {

    private static final Map<String, String> THREAD = Map.of("thread-id", "app-StreamThread-1");

    private final Metrics kafka = new Metrics();
    private final KafkaStreamsMetrics collector = new KafkaStreamsMetrics(kafka::metrics);

    @AfterEach
    void closeMetrics() {
        kafka.close();
    }

    @Test
    void cumulativeTotalsBecomeCountersWithTagsAsLabels() {
        Sensor process = kafka.sensor("process");
        process.add(kafka.metricName("process-total", "stream-thread-metrics", "records processed", THREAD),
                new CumulativeCount());
        process.record();
        process.record();

        CounterSnapshot snapshot = (CounterSnapshot) find(collector.collect(), "kafka_streams_thread_process")
                .orElseThrow();

        assertThat(snapshot.getMetadata().getHelp()).isEqualTo("records processed");
        assertThat(snapshot.getDataPoints()).singleElement().satisfies(point -> {
            // Labels is also an Iterable: compared as one value.
            assertThat((Object) point.getLabels()).isEqualTo(Labels.of("thread_id", "app-StreamThread-1"));
            assertThat(point.getValue()).isEqualTo(2.0);
        });
    }

    @Test
    void theTopologysOwnCountOfMisplacedInputIsACounter() {
        Sensor misplaced = kafka.sensor("misplaced");
        misplaced.add(kafka.metricName("misplaced-input-total", "stream-attribution-metrics", "",
                Map.of("thread-id", "t1", "attribution-id", "task-0_1")), new CumulativeCount());
        misplaced.record();

        CounterSnapshot snapshot = (CounterSnapshot) find(collector.collect(),
                "kafka_streams_attribution_misplaced_input").orElseThrow();
        assertThat(snapshot.getDataPoints()).singleElement().extracting(point -> point.getValue()).isEqualTo(1.0);
    }

    @Test
    void otherNumbersBecomeGaugesNamedAfterTheirGroup() {
        Sensor commit = kafka.sensor("commit");
        commit.add(kafka.metricName("commit-latency-avg", "stream-task-metrics", "",
                Map.of("thread-id", "t1", "task-id", "0_1")), new Avg());
        commit.record(12.0);
        Sensor lag = kafka.sensor("lag");
        lag.add(kafka.metricName("records-lag-max", "consumer-fetch-manager-metrics", "", Map.of("client-id", "c")),
                new Max());
        lag.record(7.0);
        kafka.addMetric(kafka.metricName("alive-stream-threads", "stream-metrics", ""),
                (Gauge<Integer>) (config, now) -> 2);

        MetricSnapshots snapshots = collector.collect();

        assertThat(gaugeValue(snapshots, "kafka_streams_task_commit_latency_avg")).isEqualTo(12.0);
        assertThat(gaugeValue(snapshots, "kafka_streams_consumer_fetch_manager_records_lag_max")).isEqualTo(7.0);
        assertThat(gaugeValue(snapshots, "kafka_streams_client_alive_stream_threads")).isEqualTo(2.0);
    }

    @Test
    void theGroupIsNotRepeatedInTheNameAndFallingTotalsAreGauges() {
        kafka.addMetric(kafka.metricName("client-state", "stream-metrics", ""), (Gauge<Integer>) (config, now) -> 2);
        Sensor restore = kafka.sensor("restore");
        restore.add(kafka.metricName("restore-remaining-records-total", "stream-task-metrics", "",
                Map.of("task-id", "0_0")), new CumulativeSum());
        restore.record(100);
        restore.record(-40);

        MetricSnapshots snapshots = collector.collect();

        assertThat(gaugeValue(snapshots, "kafka_streams_client_state")).isEqualTo(2.0);
        assertThat(gaugeValue(snapshots, "kafka_streams_task_restore_remaining_records")).isEqualTo(60.0);
    }

    @Test
    void textValuesEmptyWindowsAndUnselectedGroupsAreLeftOut() {
        kafka.addMetric(kafka.metricName("version", "stream-metrics", ""), (Gauge<String>) (config, now) -> "4.3.1");
        // An average with no sample yet is NaN.
        kafka.sensor("idle").add(kafka.metricName("poll-latency-avg", "stream-thread-metrics", "", THREAD), new Avg());
        Sensor bytes = kafka.sensor("bytes");
        bytes.add(kafka.metricName("outgoing-byte-total", "producer-metrics", ""), new CumulativeCount());
        bytes.record();

        MetricSnapshots snapshots = collector.collect();

        assertThat(snapshots.stream().map(snapshot -> snapshot.getMetadata().getName()))
                .doesNotContain("kafka_streams_client_version", "kafka_streams_thread_poll_latency_avg",
                        "kafka_streams_producer_outgoing_byte");
    }

    private static Optional<MetricSnapshot> find(MetricSnapshots snapshots, String name) {
        return snapshots.stream().filter(snapshot -> snapshot.getMetadata().getName().equals(name)).findFirst();
    }

    private static double gaugeValue(MetricSnapshots snapshots, String name) {
        GaugeSnapshot gauge = (GaugeSnapshot) find(snapshots, name)
                .orElseThrow(() -> new AssertionError(name + " not collected"));
        return gauge.getDataPoints().get(0).getValue();
    }
}

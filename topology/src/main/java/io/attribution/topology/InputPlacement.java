package io.attribution.topology;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.nio.charset.StandardCharsets;

/**
 * Where a click id's clicks and postbacks belong: on the partition Kafka's Java producer picks
 * for that key (murmur2 of its UTF-8 bytes), which is where ingest writes postbacks and where the
 * query API looks. A click tracker on another client (librdkafka hashes keys with CRC32, Sarama
 * with FNV-1a, kafka-go balances round-robin) puts records elsewhere; those are found here and
 * sent on through the misplaced-input repartition topic, whose producer places them by click id.
 * One per processor instance: it counts what it sends round, per task.
 */
final class InputPlacement {

    /** Zero for records already placed by click id: nothing to check. */
    private final int partitions;
    private ProcessorContext<?, ?> context;
    private Sensor misplacedRecords;

    private InputPlacement(int partitions) {
        this.partitions = partitions;
    }

    /** @param partitions the partition count of {@code clicks} and {@code postbacks.raw} */
    static InputPlacement checkedAgainst(int partitions) {
        return new InputPlacement(partitions);
    }

    /** For the records read back from the misplaced-input topic: its producer placed them by click id. */
    static InputPlacement alreadyPlaced() {
        return new InputPlacement(0);
    }

    /**
     * Fails a task of a partition beyond the count the topology was built for: the input topics
     * grew, and every expected partition computed from the old count would be wrong. Counts the
     * misplaced records as {@code kafka_streams_attribution_misplaced_input_total}, per task.
     */
    void init(ProcessorContext<?, ?> context) {
        if (partitions == 0) {
            return;
        }
        int partition = context.taskId().partition();
        if (partition >= partitions) {
            throw new IllegalStateException("task " + context.taskId() + " reads partition " + partition
                    + " but the topology was built for input topics of " + partitions + " partitions: restart it"
                    + " so that it reads the count again (and never add partitions to clicks or postbacks.raw)");
        }
        this.context = context;
        this.misplacedRecords = context.metrics().addRateTotalSensor("attribution", "task-" + context.taskId(),
                "misplaced-input", Sensor.RecordingLevel.INFO);
    }

    int expected(String clickId) {
        return Utils.toPositive(Utils.murmur2(clickId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Whether the record being processed sits on another partition than {@code clickId} belongs on. */
    boolean misplaced(String clickId) {
        if (partitions == 0) {
            return false;
        }
        boolean misplaced = context.recordMetadata().map(metadata -> metadata.partition() != expected(clickId))
                .orElse(false);
        if (misplaced) {
            misplacedRecords.record();
        }
        return misplaced;
    }
}

package io.attribution.connect.postbacks;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The offsets whose postback is not done yet, per partition, so that an offset is committed only once every record
 * before it is done (sent, skipped or dead-lettered). The map is used from the task's thread; a partition's offsets
 * are also removed from the threads that finish postbacks.
 */
final class PendingOffsets {

    /** One assigned partition's pending offsets; closed once the partition is revoked or the task stops. */
    static final class Partition {

        private final TreeSet<Long> offsets = new TreeSet<>();
        private volatile boolean closed;

        synchronized void add(long offset) {
            offsets.add(offset);
        }

        synchronized void remove(long offset) {
            offsets.remove(offset);
        }

        synchronized Long lowest() {
            return offsets.isEmpty() ? null : offsets.first();
        }

        synchronized int size() {
            return offsets.size();
        }

        boolean isClosed() {
            return closed;
        }

        void close() {
            closed = true;
        }
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    Partition partition(TopicPartition topicPartition) {
        return partitions.computeIfAbsent(topicPartition, tp -> new Partition());
    }

    /**
     * What may be committed: Connect's offsets (one past the last record handed to the task), held back on a
     * partition to its lowest pending offset, so Kafka delivers that record again after a restart.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>(current);
        current.forEach((topicPartition, offset) -> {
            Partition partition = partitions.get(topicPartition);
            Long lowest = partition == null ? null : partition.lowest();
            if (lowest != null && lowest < offset.offset()) {
                committable.put(topicPartition, new OffsetAndMetadata(lowest, offset.leaderEpoch(), offset.metadata()));
            }
        });
        return committable;
    }

    /** Forgets the partitions: their pending postbacks are abandoned and Kafka delivers them again to their new owner. */
    void close(Collection<TopicPartition> topicPartitions) {
        for (TopicPartition topicPartition : topicPartitions) {
            Partition partition = partitions.remove(topicPartition);
            if (partition != null) {
                partition.close();
            }
        }
    }

    void closeAll() {
        close(List.copyOf(partitions.keySet()));
    }
}

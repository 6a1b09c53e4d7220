package io.attribution.query.routing;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who holds each partition of one source topic, from one snapshot of Kafka Streams' metadata: the
 * active host and the standby hosts. A snapshot, so all partitions of one question are routed by
 * the same assignment.
 */
final class Ownership {

    private final int partitionCount;
    private final Map<Integer, HostInfo> active;
    private final Map<Integer, List<HostInfo>> standbys;

    private Ownership(int partitionCount, Map<Integer, HostInfo> active, Map<Integer, List<HostInfo>> standbys) {
        this.partitionCount = partitionCount;
        this.active = active;
        this.standbys = standbys;
    }

    /**
     * @param knownPartitionCount the most partitions this topic was ever seen with: partitions are
     *                            never removed from a Kafka topic, and a snapshot taken while the
     *                            group is incomplete must not make a partition vanish from a fan-out
     */
    static Ownership of(Collection<StreamsMetadata> clients, String topic, int knownPartitionCount) {
        int partitionCount = knownPartitionCount;
        Map<Integer, HostInfo> active = new HashMap<>();
        Map<Integer, List<HostInfo>> standbys = new HashMap<>();
        for (StreamsMetadata client : clients) {
            for (TopicPartition tp : client.topicPartitions()) {
                if (tp.topic().equals(topic)) {
                    active.putIfAbsent(tp.partition(), client.hostInfo());
                    partitionCount = Math.max(partitionCount, tp.partition() + 1);
                }
            }
            for (TopicPartition tp : client.standbyTopicPartitions()) {
                if (tp.topic().equals(topic)) {
                    standbys.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(client.hostInfo());
                    partitionCount = Math.max(partitionCount, tp.partition() + 1);
                }
            }
        }
        return new Ownership(partitionCount, active, standbys);
    }

    /** 0 when no instance has been assigned any partition of the topic yet. */
    int partitionCount() {
        return partitionCount;
    }

    /** Empty while no instance owns the partition (during a rebalance, or after its owner died). */
    Optional<HostInfo> active(int partition) {
        return Optional.ofNullable(active.get(partition));
    }

    List<HostInfo> standbys(int partition) {
        return standbys.getOrDefault(partition, List.of());
    }
}

package io.attribution.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the broker holds, per topic: the offsets used (records, and the markers that close
 * transactions) and the bytes of the logs. Taken before and after a round, the difference is what
 * the round wrote, to every topic: outputs, changelogs, repartition topics and Kafka's own
 * (consumer offsets, transaction state).
 *
 * @param offsets end offsets summed over each topic's partitions
 * @param bytes   log bytes summed over each topic's partitions
 */
record TopicFootprint(Map<String, Long> offsets, Map<String, Long> bytes) {

    private static final long TIMEOUT_SECONDS = 60;

    static TopicFootprint of(Admin admin) throws Exception {
        int node = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).iterator().next().id();
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(java.util.List.of(node)).allDescriptions()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(node);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        Map<String, Long> bytes = new TreeMap<>();
        dirs.values().forEach(dir -> dir.replicaInfos().forEach((partition, replica) -> {
            request.put(partition, OffsetSpec.latest());
            bytes.merge(partition.topic(), replica.size(), Long::sum);
        }));
        Map<String, Long> offsets = new TreeMap<>();
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ends.forEach((partition, end) -> offsets.merge(partition.topic(), end.offset(), Long::sum));
        return new TopicFootprint(offsets, bytes);
    }

    /** What was written since {@code before}, per topic; a topic created since counts from nothing. */
    TopicFootprint since(TopicFootprint before) {
        return new TopicFootprint(difference(offsets, before.offsets), difference(bytes, before.bytes));
    }

    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> written = new TreeMap<>();
        after.forEach((topic, value) -> {
            long delta = value - before.getOrDefault(topic, 0L);
            if (delta != 0) {
                written.put(topic, delta);
            }
        });
        return written;
    }

    long totalOffsets() {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalBytes() {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Bytes written to Kafka's own topics: committed offsets and transaction state. */
    long kafkaBytes() {
        return bytes.entrySet().stream().filter(entry -> entry.getKey().startsWith("__"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Bytes written to the application's own topics: changelogs and repartition topics. */
    long applicationBytes(String applicationId) {
        return bytes.entrySet().stream().filter(entry -> entry.getKey().startsWith(applicationId + "-"))
                .mapToLong(Map.Entry::getValue).sum();
    }
}

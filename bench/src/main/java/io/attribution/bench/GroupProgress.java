package io.attribution.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Where a Kafka Streams application's consumer group stands on the topics it reads: its start is
 * set before the round's input is written (so the application reads only that input, and its
 * views only that round's outputs), and it has caught up when the group's committed offsets reach
 * the end of every topic it reads, its repartition topics included. Under exactly_once_v2 offsets
 * are committed with the outputs of what was read, so caught up means everything is done.
 */
final class GroupProgress {

    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final String applicationId;
    private final Set<String> sources;

    private GroupProgress(Admin admin, String applicationId, Set<String> sources) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.sources = sources;
    }

    /**
     * Commits, for the application's group, the current end of every existing topic the topology
     * reads (global stores aside: they always read their whole topic).
     */
    static GroupProgress startAtEnd(Admin admin, String applicationId, Topology topology) throws Exception {
        GroupProgress progress = fromStart(admin, applicationId, topology);
        Map<TopicPartition, OffsetAndMetadata> start = progress.ends(progress.partitions(progress.sources)).entrySet()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> new OffsetAndMetadata(entry.getValue())));
        admin.alterConsumerGroupOffsets(applicationId, start).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return progress;
    }

    /** For an application that reads what its topics already hold: its group's offsets are left as they are. */
    static GroupProgress fromStart(Admin admin, String applicationId, Topology topology) throws Exception {
        Set<String> read = new HashSet<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    read.addAll(source.topicSet());
                }
            }
        }
        // Repartition topics appear under their short names and do not exist yet: left for caughtUp.
        read.retainAll(admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return new GroupProgress(admin, applicationId, read);
    }

    /**
     * The topics read that existed before the round: the inputs and, for the full topology, the
     * outputs its views read.
     */
    Set<String> sources() {
        return sources;
    }

    /**
     * Whether the committed offsets are within one of the end on every partition read: the last
     * offset of a partition written in transactions is the marker that closes it, which a
     * consumer may commit before or after.
     */
    boolean caughtUp() throws Exception {
        Set<String> topics = new HashSet<>(sources);
        admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-repartition"))
                .forEach(topics::add);
        Map<TopicPartition, Long> ends = ends(partitions(topics));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            long position = at == null ? 0 : at.offset();
            if (position < end.getValue() - 1) {
                return false;
            }
        }
        return true;
    }

    private Set<TopicPartition> partitions(Set<String> topics) throws Exception {
        Set<TopicPartition> partitions = new HashSet<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
            topic.partitions().forEach(info -> partitions.add(new TopicPartition(topic.name(), info.partition())));
        }
        return partitions;
    }

    private Map<TopicPartition, Long> ends(Set<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }
}

package io.attribution.app;

import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the pipeline's topics when they are missing and leaves existing ones alone, and tells
 * the partition count of the click and postback topics, which must be the same.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);
    private static final Duration LEADER_POLL = Duration.ofMillis(50);
    /** How long one call may wait for the cluster, which answers within milliseconds when it is there. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private TopicProvisioner() {
    }

    /** With the partition count and replication factor of the {@code topics.*} settings. */
    public static void ensureTopics(KafkaClientSettings cluster, PipelineSettings settings)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        ensureTopics(cluster, settings.integer(PipelineSettings.TOPICS_PARTITIONS),
                (short) settings.integer(PipelineSettings.TOPICS_REPLICATION_FACTOR));
    }

    /**
     * The partition count of {@code clicks} and {@code postbacks.raw}, as the cluster has them now:
     * the topology computes from it where each click id belongs.
     *
     * @throws IllegalStateException when the two differ: no click id could then belong anywhere
     */
    public static int inputPartitions(KafkaClientSettings cluster)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        List<String> inputs = List.of(Topics.CLICKS.name(), Topics.POSTBACKS_RAW.name());
        try (Admin admin = admin(cluster)) {
            Map<String, TopicDescription> described = admin.describeTopics(inputs).allTopicNames()
                    .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int clicks = described.get(Topics.CLICKS.name()).partitions().size();
            int postbacks = described.get(Topics.POSTBACKS_RAW.name()).partitions().size();
            if (clicks != postbacks) {
                throw new IllegalStateException(Topics.CLICKS.name() + " has " + clicks + " partitions and "
                        + Topics.POSTBACKS_RAW.name() + " " + postbacks + ": they must have the same count");
            }
            return clicks;
        }
    }

    public static void ensureTopics(String bootstrapServers, int partitions, short replicationFactor)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        ensureTopics(KafkaClientSettings.plaintext(bootstrapServers), partitions, replicationFactor);
    }

    /** @param cluster the Kafka cluster and the operator's client settings for it (TLS, SASL) */
    public static void ensureTopics(KafkaClientSettings cluster, int partitions, short replicationFactor)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Optional<Short> replication = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<?> topic : Topics.all()) {
            NewTopic newTopic = new NewTopic(topic.name(), Optional.of(partitions), replication);
            if (topic.compacted()) {
                newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(newTopic);
        }
        topics.add(new NewTopic(Topics.DEAD_LETTERS, Optional.of(partitions), replication));

        try (Admin admin = admin(cluster)) {
            var results = admin.createTopics(topics).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    LOG.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        }
    }

    /**
     * An admin client whose calls give up when the waits on them do: otherwise closing it after a
     * timeout waits out Kafka's default minute for the calls still pending.
     */
    private static Admin admin(KafkaClientSettings cluster) {
        return Admin.create(cluster.client(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis())));
    }

    /**
     * Until every partition has a leader that serves it: a topic the controller just created (or
     * re-created under a name just deleted) can take a moment to get one, and a producer that writes
     * to it meanwhile may hold its records until they expire.
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Instant deadline = Instant.now().plus(LEADER_WAIT);
        List<String> leaderless = List.of();
        while (Instant.now().isBefore(deadline)) {
            Map<String, TopicDescription> described;
            try {
                described = admin.describeTopics(names).allTopicNames().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                Thread.sleep(LEADER_POLL.toMillis());
                continue;
            }
            leaderless = described.values().stream().flatMap(topic -> topic.partitions().stream()
                    .filter(partition -> partition.leader() == null || partition.leader().isEmpty())
                    .map(partition -> topic.name() + "-" + partition.partition())).toList();
            if (leaderless.isEmpty()) {
                awaitServing(admin, described);
                return;
            }
            Thread.sleep(LEADER_POLL.toMillis());
        }
        throw new IllegalStateException("Partitions without a leader after " + LEADER_WAIT.toSeconds() + " s: "
                + leaderless + "; check the brokers");
    }

    /**
     * Every leader answers for its partitions (ListOffsets goes to the leader, and the admin client
     * retries NOT_LEADER_OR_FOLLOWER until the broker has applied the partition). A leader named in
     * the metadata may still refuse its first produce requests: an idempotent producer whose first
     * request is refused while a later one is taken spins on OUT_OF_ORDER_SEQUENCE_NUMBER until
     * its records expire (KAFKA-15591, seen here in ExactlyOnceRestartIT on topics created a
     * moment before).
     */
    private static void awaitServing(Admin admin, Map<String, TopicDescription> described)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.values().forEach(topic -> topic.partitions().forEach(partition ->
                latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        admin.listOffsets(latest).all().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}

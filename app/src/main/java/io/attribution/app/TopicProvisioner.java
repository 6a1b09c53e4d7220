package io.attribution.app;

import io.attribution.schemas.Topic;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the pipeline's topics when they are missing and leaves existing ones alone. The click
 * and postback topics must have the same partition count: the join relies on co-partitioning.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** With the partition count and replication factor of the {@code topics.*} settings. */
    public static void ensureTopics(String bootstrapServers, PipelineSettings settings)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        ensureTopics(bootstrapServers, settings.integer(PipelineSettings.TOPICS_PARTITIONS),
                (short) settings.integer(PipelineSettings.TOPICS_REPLICATION_FACTOR));
    }

    public static void ensureTopics(String bootstrapServers, int partitions, short replicationFactor)
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

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var results = admin.createTopics(topics).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}

package io.attribution.embedded.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The topics of one broker as the kit manages them: created for a test class, all deleted after it. */
final class BrokerTopics implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The broker's own topics ({@code __consumer_offsets}, {@code __transaction_state}...) outlive every class. */
    private static final String BROKER_OWN_PREFIX = "__";

    private final Admin admin;

    /** @param clientConfig what reaches the broker's client listener besides the bootstrap servers */
    BrokerTopics(String bootstrapServers, Map<String, String> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(config);
    }

    /** Creates the topics and waits until the broker lists them, so that the next admin call already finds them. */
    void create(Collection<NewTopic> topics) {
        get(admin.createTopics(topics).all(), "create topics " + topics);
        Set<String> created = topics.stream().map(NewTopic::name).collect(Collectors.toSet());
        // The controller has them once the call returns; the broker learns of them a moment later.
        await("created topics " + created + " listed").atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> names().containsAll(created));
    }

    /**
     * Deletes every topic but the broker's own, whoever created it (the test, Kafka Streams, Connect), and waits
     * until the broker no longer lists any of them.
     *
     * @return the names of the deleted topics
     */
    Set<String> deleteAll() {
        Set<String> doomed = names();
        if (doomed.isEmpty()) {
            return doomed;
        }
        admin.deleteTopics(doomed).topicNameValues().forEach((topic, deleted) -> {
            try {
                get(deleted, "delete topic " + topic);
            } catch (IllegalStateException e) {
                // Deleted in the meantime by someone else: gone all the same.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        });
        await("deleted topics " + doomed + " no longer listed").atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> Collections.disjoint(names(), doomed));
        return doomed;
    }

    private Set<String> names() {
        Set<String> all = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics");
        return all.stream().filter(name -> !name.startsWith(BROKER_OWN_PREFIX)).collect(Collectors.toSet());
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot " + what + " within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}

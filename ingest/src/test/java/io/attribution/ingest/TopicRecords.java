package io.attribution.ingest;

import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/**
 * A one-partition topic of the edge's records as the tests see it: read back with a read_committed
 * consumer through the real schema registry, each record found by its id (a postback's request_id,
 * a click's click_id).
 */
final class TopicRecords<V extends SpecificRecord> {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaKit kit;
    private final Topic<V> topic;
    private final TopicPartition partition;
    private final Function<V, String> idOf;

    /** Creates the topic (one partition) on the kit's broker. */
    TopicRecords(KafkaKit kit, Topic<V> topic, Function<V, String> idOf) {
        kit.createTopics(1, topic.name());
        this.kit = kit;
        this.topic = topic;
        this.partition = new TopicPartition(topic.name(), 0);
        this.idOf = idOf;
    }

    /** The offset the next record will get: records written from now on are at or after it. */
    long endOffset() {
        try (KafkaConsumer<String, V> consumer = consumer()) {
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        }
    }

    /** Waits until every id is on the topic; returns their records by id. */
    Map<String, ConsumerRecord<String, V>> awaitRecords(Collection<String> ids) {
        Map<String, ConsumerRecord<String, V>> found = new LinkedHashMap<>();
        try (KafkaConsumer<String, V> consumer = consumer()) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await("records " + ids + " on " + topic.name())
                    .atMost(READ_TIMEOUT)
                    .pollInSameThread()
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                            if (ids.contains(idOf.apply(record.value()))) {
                                found.put(idOf.apply(record.value()), record);
                            }
                        });
                        return found.keySet().containsAll(ids);
                    });
        }
        return found;
    }

    /** Every record from {@code offset} up to and including the one with {@code lastId}: what was written in between. */
    List<ConsumerRecord<String, V>> recordsFrom(long offset, String lastId) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = consumer()) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            await("record " + lastId + " after offset " + offset)
                    .atMost(READ_TIMEOUT)
                    .pollInSameThread()
                    .until(() -> {
                        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                            records.add(record);
                            if (idOf.apply(record.value()).equals(lastId)) {
                                return true;
                            }
                        }
                        return false;
                    });
        }
        return records;
    }

    private KafkaConsumer<String, V> consumer() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kit.uniqueId("ingest-it"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistrySerdes(kit.registryUrl()).valueDeserializer(topic));
    }
}

package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
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
import java.util.Set;

import static org.awaitility.Awaitility.await;

/**
 * {@code postbacks.raw} as the tests see it: created with one partition, read back with a
 * read_committed consumer through the real schema registry.
 */
final class RawPostbackTopic {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final TopicPartition PARTITION = new TopicPartition(Topics.POSTBACKS_RAW.name(), 0);

    private final KafkaKit kit;

    private RawPostbackTopic(KafkaKit kit) {
        this.kit = kit;
    }

    /** Creates the topic (one partition) on the kit's broker and returns a reader for it. */
    static RawPostbackTopic create(KafkaKit kit) {
        kit.createTopics(1, Topics.POSTBACKS_RAW.name());
        return new RawPostbackTopic(kit);
    }

    /** The offset the next record will get: records written from now on are at or after it. */
    long endOffset() {
        try (KafkaConsumer<String, RawPostback> consumer = consumer()) {
            return consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(10)).get(PARTITION);
        }
    }

    /** Waits for the record with this request id and returns it. */
    ConsumerRecord<String, RawPostback> awaitRecord(String requestId) {
        return awaitRecords(Set.of(requestId)).get(requestId);
    }

    /** Waits until every request id is on the topic; returns their records by request id. */
    Map<String, ConsumerRecord<String, RawPostback>> awaitRecords(Collection<String> requestIds) {
        Map<String, ConsumerRecord<String, RawPostback>> found = new LinkedHashMap<>();
        try (KafkaConsumer<String, RawPostback> consumer = consumer()) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            await("records " + requestIds + " on " + PARTITION.topic())
                    .atMost(READ_TIMEOUT)
                    .pollInSameThread()
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                            if (requestIds.contains(record.value().getRequestId())) {
                                found.put(record.value().getRequestId(), record);
                            }
                        });
                        return found.keySet().containsAll(requestIds);
                    });
        }
        return found;
    }

    /**
     * Every record from {@code offset} up to and including the one with {@code lastRequestId}:
     * what was written in between, in order.
     */
    List<ConsumerRecord<String, RawPostback>> recordsFrom(long offset, String lastRequestId) {
        List<ConsumerRecord<String, RawPostback>> records = new ArrayList<>();
        try (KafkaConsumer<String, RawPostback> consumer = consumer()) {
            consumer.assign(List.of(PARTITION));
            consumer.seek(PARTITION, offset);
            await("record " + lastRequestId + " after offset " + offset)
                    .atMost(READ_TIMEOUT)
                    .pollInSameThread()
                    .until(() -> {
                        for (ConsumerRecord<String, RawPostback> record : consumer.poll(Duration.ofMillis(200))) {
                            records.add(record);
                            if (record.value().getRequestId().equals(lastRequestId)) {
                                return true;
                            }
                        }
                        return false;
                    });
        }
        return records;
    }

    private KafkaConsumer<String, RawPostback> consumer() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kit.uniqueId("ingest-it"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistrySerdes(kit.registryUrl()).valueDeserializer(Topics.POSTBACKS_RAW));
    }
}

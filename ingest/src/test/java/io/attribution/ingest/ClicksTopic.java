package io.attribution.ingest;

import io.attribution.avro.Click;
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
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** {@code clicks} as the tests see it: one partition, read back through the real schema registry. */
final class ClicksTopic {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final TopicPartition PARTITION = new TopicPartition(Topics.CLICKS.name(), 0);

    private final KafkaKit kit;

    private ClicksTopic(KafkaKit kit) {
        this.kit = kit;
    }

    /** Creates the topic (one partition) on the kit's broker and returns a reader for it. */
    static ClicksTopic create(KafkaKit kit) {
        kit.createTopics(1, Topics.CLICKS.name());
        return new ClicksTopic(kit);
    }

    /** The offset the next click will get. */
    long endOffset() {
        try (KafkaConsumer<String, Click> consumer = consumer()) {
            return consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(10)).get(PARTITION);
        }
    }

    /** Every click from {@code offset} up to and including the one with {@code lastClickId}, in order. */
    List<ConsumerRecord<String, Click>> recordsFrom(long offset, String lastClickId) {
        List<ConsumerRecord<String, Click>> records = new ArrayList<>();
        try (KafkaConsumer<String, Click> consumer = consumer()) {
            consumer.assign(List.of(PARTITION));
            consumer.seek(PARTITION, offset);
            await("click " + lastClickId + " after offset " + offset)
                    .atMost(READ_TIMEOUT)
                    .pollInSameThread()
                    .until(() -> {
                        for (ConsumerRecord<String, Click> record : consumer.poll(Duration.ofMillis(200))) {
                            records.add(record);
                            if (record.value().getClickId().equals(lastClickId)) {
                                return true;
                            }
                        }
                        return false;
                    });
        }
        return records;
    }

    private KafkaConsumer<String, Click> consumer() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kit.uniqueId("click-it"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistrySerdes(kit.registryUrl()).valueDeserializer(Topics.CLICKS));
    }
}

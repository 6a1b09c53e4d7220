package io.attribution.app;

import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Prints the records of pipeline topics as they are committed, one line each: the topic, the key
 * and the record as JSON. Reads committed data only, as a downstream consumer would.
 */
public final class ConsoleTail implements Runnable, AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Topic<?>> topics;
    private final RecordSerdes serdes;
    private final PrintStream out;

    public ConsoleTail(KafkaClientSettings cluster, RecordSerdes serdes, List<Topic<?>> topics, boolean fromBeginning,
                       PrintStream out) {
        this.serdes = serdes;
        this.out = out;
        this.topics = topics.stream().collect(Collectors.toMap(Topic::name, Function.identity()));
        String group = "postback-pipeline-tail-" + UUID.randomUUID();
        this.consumer = new KafkaConsumer<>(cluster.consumer(group, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest")),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(this.topics.keySet());
    }

    @Override
    public void run() {
        Map<String, org.apache.kafka.common.serialization.Deserializer<? extends SpecificRecord>> deserializers =
                topics.values().stream().collect(Collectors.toMap(Topic::name, serdes::valueDeserializer));
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    Object value = record.value() == null ? null
                            : deserializers.get(record.topic()).deserialize(record.topic(), record.value());
                    out.printf("%s  key=%s  %s%n", record.topic(), record.key(), value);
                }
            }
        } catch (WakeupException closing) {
            // close() was called
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
    }
}

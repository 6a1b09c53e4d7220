package io.attribution.app;

import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Writes records of any pipeline topic, each acknowledged before the call returns: for seeding
 * demo data and for what the click tracker and campaign admin will do.
 */
public final class TopicWriter implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final RecordSerdes serdes;
    /** One serializer per topic: each holds a registry client and its schema cache. */
    private final Map<Topic<?>, Serializer<?>> serializers = new ConcurrentHashMap<>();

    public TopicWriter(String bootstrapServers, RecordSerdes serdes) {
        this.serdes = serdes;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    public <V extends SpecificRecord> void write(Topic<V> topic, String key, V value)
            throws ExecutionException, InterruptedException {
        @SuppressWarnings("unchecked")
        Serializer<V> serializer = (Serializer<V>) serializers.computeIfAbsent(topic, serdes::valueSerializer);
        byte[] bytes = value == null ? null : serializer.serialize(topic.name(), value);
        producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

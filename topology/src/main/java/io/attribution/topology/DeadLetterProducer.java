package io.attribution.topology;

import io.attribution.schemas.ProducerSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A plain producer made from the topology's own settings (so it takes the operator's TLS, SASL and
 * {@code producer.} settings), with the safe defaults; created on the first dead letter, which may
 * never come: until then it holds nothing. Each send waits for the broker: bad campaign records are rare, and one that is not on
 * the dead-letter topic must be known at once.
 */
public final class DeadLetterProducer implements DeadLetterSink {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> config;
    private KafkaProducer<byte[], byte[]> producer;

    /** @param streamsProperties the topology's Kafka Streams settings */
    public DeadLetterProducer(Properties streamsProperties) {
        StreamsConfig streams = new StreamsConfig(streamsProperties);
        String clientId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG) + "-campaigns-dead-letters";
        Map<String, Object> producerConfig = streams.getProducerConfigs(clientId);
        producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        this.config = ProducerSettings.safe(String.join(",", streams.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)),
                clientId, producerConfig);
    }

    @Override
    public synchronized void send(ProducerRecord<byte[], byte[]> deadLetter) {
        if (producer == null) {
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        try {
            producer.send(deadLetter).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("dead letter not written to " + deadLetter.topic() + ": " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}

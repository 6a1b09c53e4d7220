package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes postbacks to {@code postbacks.raw} and completes only once the broker has them
 * (acks=all, idempotent), or fails within the produce timeout. Nothing here answers a client.
 */
public final class PostbackPublisher implements AutoCloseable {

    private final KafkaProducer<String, RawPostback> producer;
    private final IngestMetrics metrics;

    PostbackPublisher(String bootstrapServers, RecordSerdes serdes, Duration produceTimeout, IngestMetrics metrics) {
        this.metrics = metrics;
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, produceTimeout),
                new StringSerializer(), serdes.valueSerializer(Topics.POSTBACKS_RAW));
    }

    /** Public for the benchmarks: their durable baseline sends through a producer with these very settings. */
    public static Map<String, Object> producerConfig(String bootstrapServers, Duration produceTimeout) {
        long timeout = produceTimeout.toMillis();
        return ProducerSettings.safe(bootstrapServers, "postback-ingest", Map.of(
                // Small batches under load without making a lone postback wait noticeably.
                ProducerConfig.LINGER_MS_CONFIG, 2,
                // The answer must come within the produce timeout: the record is either acknowledged or
                // expired by then, and a full buffer or missing metadata blocks send() for at most half of it.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout - 1000),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout / 2));
    }

    /** Completes with the record's offset once acknowledged; exceptionally on any failure. */
    public CompletableFuture<RecordMetadata> publish(RawPostback postback) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        long sentAt = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(Topics.POSTBACKS_RAW.name(), key(postback), postback),
                    (metadata, error) -> {
                        if (error != null) {
                            acknowledged.completeExceptionally(error);
                        } else {
                            metrics.acknowledged(System.nanoTime() - sentAt);
                            acknowledged.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            // Serialization (registry unreachable) and metadata timeouts are thrown, not called back.
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /**
     * The click_id; the request_id of a refused request without one, so that a flood of those
     * spreads over the partitions instead of piling onto one.
     */
    private static String key(RawPostback postback) {
        return postback.getClickId().isEmpty() ? postback.getRequestId() : postback.getClickId();
    }

    /** Sends what is buffered and waits for it: in-flight postbacks still get their answer. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

package io.attribution.ingest;

import io.attribution.avro.RawPostback;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes postbacks to {@code postbacks.raw} and completes only once the broker has them
 * (acks=all, idempotent), or fails within the produce timeout. Nothing here answers a client.
 * Postbacks are written under a schema id known beforehand, never asking the registry on the way;
 * those stored since the registry last confirmed that id are kept, and written again should the
 * registry turn out to have lost it ({@link UnconfirmedRecords}).
 */
public final class PostbackPublisher implements AutoCloseable {

    /** About a minute and a half of a busy edge without a word from the registry; then 503s. */
    static final int MAX_UNCONFIRMED = 50_000;

    private final RecordPublisher<RawPostback> publisher;

    PostbackPublisher(KafkaClientSettings cluster, RegisteredSchema<RawPostback> schema, Duration produceTimeout,
                      IngestMetrics metrics) {
        this(cluster, schema, produceTimeout, metrics, MAX_UNCONFIRMED);
    }

    PostbackPublisher(KafkaClientSettings cluster, RegisteredSchema<RawPostback> schema, Duration produceTimeout,
                      IngestMetrics metrics, int maxUnconfirmed) {
        this.publisher = new RecordPublisher<>(producerConfig(cluster, "postback-ingest", produceTimeout), Topics.POSTBACKS_RAW,
                schema, PostbackPublisher::key, "postbacks", maxUnconfirmed, metrics::acknowledged, () -> { });
    }

    /** Public for the benchmarks: their durable baseline sends through a producer with these very settings. */
    public static Map<String, Object> producerConfig(String bootstrapServers, Duration produceTimeout) {
        return producerConfig(KafkaClientSettings.plaintext(bootstrapServers), "postback-ingest", produceTimeout);
    }

    /** The edge's producer settings, for each of its producers (postbacks, clicks) under its client id. */
    static Map<String, Object> producerConfig(KafkaClientSettings cluster, String clientId, Duration produceTimeout) {
        long timeout = produceTimeout.toMillis();
        return ProducerSettings.safe(cluster, clientId, Map.of(
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
        return publisher.publish(postback);
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
        publisher.close();
    }
}

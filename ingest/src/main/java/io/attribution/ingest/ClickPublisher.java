package io.attribution.ingest;

import io.attribution.avro.Click;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Writes clicks to {@code clicks}, keyed by click_id, with the edge's producer settings (acks=all,
 * idempotent) and under a schema id known beforehand, as postbacks are written: its own producer,
 * so that a burst of clicks never fills the buffer postbacks are answered from.
 */
final class ClickPublisher implements AutoCloseable {

    private final RecordPublisher<Click> publisher;

    ClickPublisher(KafkaClientSettings cluster, RegisteredSchema<Click> schema, Duration produceTimeout,
                   IngestMetrics metrics) {
        this.publisher = new RecordPublisher<>(
                PostbackPublisher.producerConfig(cluster, "click-ingest", produceTimeout),
                Topics.CLICKS, schema, Click::getClickId, "clicks", PostbackPublisher.MAX_UNCONFIRMED,
                metrics::clickAcknowledged, metrics::clickNotStored);
    }

    /** See {@link RecordPublisher#publish}: already failed when the producer did not take the click. */
    CompletableFuture<RecordMetadata> publish(Click click) {
        return publisher.publish(click);
    }

    /** Sends what is buffered and waits for it: clicks already redirected without waiting are stored too. */
    @Override
    public void close() {
        publisher.close();
    }
}

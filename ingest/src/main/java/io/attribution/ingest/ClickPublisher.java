package io.attribution.ingest;

import io.attribution.avro.Click;
import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Writes clicks to {@code clicks}, keyed by click_id, with the edge's producer settings (acks=all,
 * idempotent) and under a schema id known beforehand, as {@link PostbackPublisher} writes postbacks:
 * its own producer, so that a burst of clicks never fills the buffer postbacks are answered from.
 * Clicks acknowledged since the registry last confirmed their id are kept and written again should
 * it have lost that id. Nothing here answers a client.
 */
final class ClickPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClickPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final RegisteredSchema<Click> schema;
    private final UnconfirmedRecords<Click> unconfirmed;
    private final IngestMetrics metrics;

    ClickPublisher(String bootstrapServers, RegisteredSchema<Click> schema, Duration produceTimeout,
                   IngestMetrics metrics) {
        this.schema = schema;
        this.metrics = metrics;
        this.producer = new KafkaProducer<>(
                PostbackPublisher.producerConfig(bootstrapServers, "click-ingest", produceTimeout),
                new StringSerializer(), new ByteArraySerializer());
        this.unconfirmed = new UnconfirmedRecords<>("clicks", PostbackPublisher.MAX_UNCONFIRMED);
        unconfirmed.rewriteWith(this::rewrite);
        schema.onConfirmed(unconfirmed);
    }

    /**
     * Hands the click to the producer. The future completes with its offset once acknowledged,
     * exceptionally on any failure; it is already failed when the producer did not take the click
     * (schema id not verified, no metadata or no buffer room within the producer's block time).
     */
    CompletableFuture<RecordMetadata> publish(Click click) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        if (!unconfirmed.hasRoom()) {
            acknowledged.completeExceptionally(new IllegalStateException("the registry has not confirmed the schema"
                    + " id of the last " + unconfirmed.size() + " clicks stored"));
            return acknowledged;
        }
        long sentAt = System.nanoTime();
        try {
            RegisteredSchema.Framed framed = schema.frame(click);
            producer.send(new ProducerRecord<>(Topics.CLICKS.name(), click.getClickId(), framed.bytes()),
                    (metadata, error) -> {
                        if (error != null) {
                            metrics.clickNotStored();
                            acknowledged.completeExceptionally(error);
                        } else {
                            long now = System.nanoTime();
                            unconfirmed.stored(click, framed.contentId(), now);
                            metrics.clickAcknowledged(now - sentAt);
                            acknowledged.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            // Serialization (schema id not verified) and metadata timeouts are thrown, not called back.
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /** A click stored under an id the registry no longer holds: once more, under the one it holds now. */
    private void rewrite(Click click) {
        publish(click).whenComplete((metadata, error) -> {
            if (error != null) {
                LOG.warn("Click {} could not be written again yet: {}", click.getClickId(), error.toString());
                unconfirmed.stored(click, UnconfirmedRecords.NO_ID, System.nanoTime());
            }
        });
    }

    /** Sends what is buffered and waits for it: clicks already redirected without waiting are stored too. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

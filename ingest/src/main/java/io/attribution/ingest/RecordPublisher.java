package io.attribution.ingest;

import io.attribution.schemas.RegisteredSchema;
import io.attribution.schemas.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Writes the edge's records (postbacks, clicks) to their topic with a producer of their own, under a
 * schema id known beforehand, never asking the registry on the way: the future completes once the
 * broker has the record, or fails. Records stored since the registry last confirmed that id are kept,
 * and written again should the registry turn out to have lost it ({@link UnconfirmedRecords}).
 * Nothing here answers a client.
 */
final class RecordPublisher<R extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Topic<R> topic;
    private final RegisteredSchema<R> schema;
    private final Function<R, String> key;
    private final UnconfirmedRecords<R> unconfirmed;
    private final String what;
    private final LongConsumer acknowledgedAfterNanos;
    private final Runnable failed;

    /**
     * @param what                   the records' name in messages, e.g. {@code postbacks}
     * @param acknowledgedAfterNanos told each acknowledgement's time since the send
     * @param failed                 told of each record handed to the producer the broker did not take
     */
    RecordPublisher(Map<String, Object> producerConfig, Topic<R> topic, RegisteredSchema<R> schema,
                    Function<R, String> key, String what, int maxUnconfirmed, LongConsumer acknowledgedAfterNanos,
                    Runnable failed) {
        this.topic = topic;
        this.schema = schema;
        this.key = key;
        this.what = what;
        this.acknowledgedAfterNanos = acknowledgedAfterNanos;
        this.failed = failed;
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.unconfirmed = new UnconfirmedRecords<>(what, maxUnconfirmed);
        unconfirmed.rewriteWith(this::rewrite);
        schema.onConfirmed(unconfirmed);
    }

    /**
     * Completes with the record's offset once acknowledged; exceptionally on any failure, already so
     * when the producer did not take the record (schema id not verified, no metadata or no buffer room
     * within the producer's block time, too many records unconfirmed).
     */
    CompletableFuture<RecordMetadata> publish(R record) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        if (!unconfirmed.hasRoom()) {
            acknowledged.completeExceptionally(new IllegalStateException("the registry has not confirmed the schema"
                    + " id of the last " + unconfirmed.size() + " " + what + " stored"));
            return acknowledged;
        }
        long sentAt = System.nanoTime();
        try {
            RegisteredSchema.Framed framed = schema.frame(record);
            producer.send(new ProducerRecord<>(topic.name(), key.apply(record), framed.bytes()),
                    (metadata, error) -> {
                        if (error != null) {
                            failed.run();
                            acknowledged.completeExceptionally(error);
                        } else {
                            long now = System.nanoTime();
                            unconfirmed.stored(record, framed.contentId(), now);
                            acknowledgedAfterNanos.accept(now - sentAt);
                            acknowledged.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            // Serialization (schema id not verified) and metadata timeouts are thrown, not called back.
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /** A record stored under an id the registry no longer holds: once more, under the one it holds now. */
    private void rewrite(R record) {
        publish(record).whenComplete((metadata, error) -> {
            if (error != null) {
                // Kept as stale: the next confirmation tries again.
                LOG.warn("One of the {} (key {}) could not be written again yet: {}", what, key.apply(record),
                        error.toString());
                unconfirmed.stored(record, UnconfirmedRecords.NO_ID, System.nanoTime());
            }
        });
    }

    /** Sends what is buffered and waits for it: records in flight still get their answer. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

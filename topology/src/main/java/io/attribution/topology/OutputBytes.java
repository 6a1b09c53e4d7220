package io.attribution.topology;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Serializes an outcome before its sink and checks that the producer will take it. Under
 * exactly-once, any failed send aborts the whole transaction (Kafka 4.3's producer makes every send
 * error abortable), so an outcome too large for the producer, or one that cannot be serialized,
 * would fail its task again on every retry: the production error handler cannot let it pass. It is
 * caught here instead, before the send, and becomes a dead letter, and processing goes on.
 *
 * @param <V> the outcome's type
 */
final class OutputBytes<V> implements FixedKeyProcessor<String, V, OutputBytes.Serialized> {

    /**
     * An outcome as bytes, or why it could not be written ({@code problem}: {@code RECORD_TOO_LARGE}
     * or {@code SERIALIZATION}), in which case the record carries the dead-letter headers.
     */
    record Serialized(byte[] value, String problem) {

        boolean fits() {
            return problem == null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(OutputBytes.class);
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private final String topic;
    private final Serializer<V> serializer;
    private FixedKeyProcessorContext<String, Serialized> context;
    private int maxRecordBytes;

    OutputBytes(String topic, Serializer<V> serializer) {
        this.topic = topic;
        this.serializer = serializer;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Serialized> context) {
        this.context = context;
        Map<String, Object> producer = new StreamsConfig(context.appConfigs()).originalsWithPrefix(StreamsConfig.PRODUCER_PREFIX);
        Object configured = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        this.maxRecordBytes = configured == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(configured.toString());
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        byte[] value;
        try {
            value = serializer.serialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            context.forward(deadLetter(record, "SERIALIZATION", e, "cannot serialize the outcome: " + e.getMessage()));
            return;
        }
        int size = sizeUpperBound(record.key(), value, record.headers());
        if (size > maxRecordBytes) {
            context.forward(deadLetter(record, "RECORD_TOO_LARGE", null, "the outcome is " + size
                    + " bytes, more than the producer's max.request.size of " + maxRecordBytes));
            return;
        }
        context.forward(record.withValue(new Serialized(value, null)));
    }

    /**
     * What the producer counts against {@code max.request.size} for a record alone in its batch, at
     * most: the batch header (61 bytes), the record's own varints and attributes (21), each header's
     * (10), and the bytes.
     */
    static int sizeUpperBound(String key, byte[] value, Headers headers) {
        long size = 61 + 21 + (key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length)
                + (value == null ? 0 : value.length);
        for (Header header : headers) {
            size += 10 + header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The dead letter names the input record that led to the outcome; the outcome itself is not kept. */
    private FixedKeyRecord<String, Serialized> deadLetter(FixedKeyRecord<String, V> record, String reason,
                                                          Throwable failure, String message) {
        Optional<RecordMetadata> source = context.recordMetadata();
        String sourceTopic = source.map(RecordMetadata::topic).orElse(null);
        int partition = source.map(RecordMetadata::partition).orElse(-1);
        long offset = source.map(RecordMetadata::offset).orElse(-1L);
        LOG.warn("Outcome for {} not written ({}: {}); the input {}-{}@{} is named on the dead-letter topic", topic,
                reason, message, sourceTopic, partition, offset);
        Headers headers = DeadLetters.record(sourceTopic, partition, offset, null, null, record.headers(), reason,
                failure, message, topic).headers();
        return record.withValue(new Serialized(null, reason)).withHeaders(headers);
    }
}

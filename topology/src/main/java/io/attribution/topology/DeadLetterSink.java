package io.attribution.topology;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where the global campaign store sends what it gives up on. Kafka Streams gives a global store no
 * way to write (its dead-letter records for one fail with a ClassCastException in 4.3, KIP-1295),
 * so it has a producer of its own.
 */
public interface DeadLetterSink extends AutoCloseable {

    /** @throws RuntimeException when the record could not be written */
    void send(ProducerRecord<byte[], byte[]> deadLetter);

    @Override
    void close();
}

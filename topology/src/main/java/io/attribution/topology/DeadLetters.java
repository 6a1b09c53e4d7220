package io.attribution.topology;

import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One format for every record the topology gives up on, whoever sends it (Kafka Streams for a
 * record a task cannot read or process, the campaign store updater, the production error handler):
 * the original key and value bytes, the original headers, and headers naming where it came from and
 * why. The {@code __streams.errors.*} names are Kafka Streams' own, so one reader handles all.
 */
final class DeadLetters {

    static final String TOPIC = "__streams.errors.topic";
    static final String PARTITION = "__streams.errors.partition";
    static final String OFFSET = "__streams.errors.offset";
    static final String EXCEPTION = "__streams.errors.exception";
    static final String MESSAGE = "__streams.errors.message";
    static final String STACKTRACE = "__streams.errors.stacktrace";
    /** Ours: why it was given up, e.g. {@code UNREADABLE}, {@code INVALID}, {@code RECORD_TOO_LARGE}. */
    static final String REASON = "attribution.dead-letter.reason";
    /** Ours, for output the topology could not write: the topic it was meant for. */
    static final String TARGET_TOPIC = "attribution.dead-letter.target-topic";

    private DeadLetters() {
    }

    /**
     * @param failure what was thrown, or null for a record that reads fine but breaks a rule
     * @param message what is wrong, for people
     * @param targetTopic the topic an output was meant for, or null for an input record
     */
    static ProducerRecord<byte[], byte[]> record(String sourceTopic, int partition, long offset, byte[] key,
                                                 byte[] value, Headers sourceHeaders, String reason,
                                                 Throwable failure, String message, String targetTopic) {
        Headers headers = new RecordHeaders(sourceHeaders == null ? new RecordHeaders() : sourceHeaders);
        // Whatever a source record carried under our names is not ours to repeat.
        for (String name : new String[] {TOPIC, PARTITION, OFFSET, EXCEPTION, MESSAGE, STACKTRACE, REASON, TARGET_TOPIC}) {
            headers.remove(name);
        }
        add(headers, TOPIC, sourceTopic);
        add(headers, PARTITION, Integer.toString(partition));
        add(headers, OFFSET, Long.toString(offset));
        add(headers, EXCEPTION, failure == null ? reason : failure.getClass().getName());
        add(headers, MESSAGE, message);
        if (failure != null) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            add(headers, STACKTRACE, trace.toString());
        }
        add(headers, REASON, reason);
        if (targetTopic != null) {
            add(headers, TARGET_TOPIC, targetTopic);
        }
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, key, value, headers);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}

package io.attribution.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import java.time.Clock;
import java.time.Duration;

/**
 * The record time of a click or a postback, as the producer stamped it but never more than
 * {@code skew} ahead of this instance's clock: the task's stream time, which ends the grace of
 * waiting postbacks, then cannot be pushed into the future by one record. A record without a
 * time (negative) takes its partition's time, or the clock for the first record of a partition;
 * Kafka Streams' default extractor would stop the thread on it.
 */
final class BoundedEventTimeExtractor implements TimestampExtractor {

    private final Clock clock;
    private final long skewMillis;

    BoundedEventTimeExtractor(Clock clock, Duration skew) {
        this.clock = clock;
        this.skewMillis = skew.toMillis();
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long timestamp = record.timestamp();
        if (timestamp < 0) {
            return partitionTime >= 0 ? partitionTime : clock.millis();
        }
        return Math.min(timestamp, clock.millis() + skewMillis);
    }
}

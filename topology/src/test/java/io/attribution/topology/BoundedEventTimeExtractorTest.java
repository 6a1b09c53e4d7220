package io.attribution.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedEventTimeExtractorTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final long NO_PARTITION_TIME = -1;
    private final BoundedEventTimeExtractor extractor =
            new BoundedEventTimeExtractor(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

    @Test
    void aRecordTimeUpToTheSkewAheadIsKept() {
        long within = NOW.plus(Duration.ofMinutes(5)).toEpochMilli();
        assertThat(extractor.extract(stamped(within), NO_PARTITION_TIME)).isEqualTo(within);
        assertThat(extractor.extract(stamped(1_000), NO_PARTITION_TIME)).isEqualTo(1_000);
    }

    @Test
    void aRecordTimeFurtherAheadCountsAsTheClockPlusTheSkew() {
        long year2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        assertThat(extractor.extract(stamped(year2100), NO_PARTITION_TIME))
                .isEqualTo(NOW.plus(Duration.ofMinutes(5)).toEpochMilli());
    }

    @Test
    void aRecordWithoutTimeTakesItsPartitionsTimeOrTheClock() {
        assertThat(extractor.extract(stamped(-1), 42_000)).isEqualTo(42_000);
        assertThat(extractor.extract(stamped(-1), NO_PARTITION_TIME)).isEqualTo(NOW.toEpochMilli());
    }

    private static ConsumerRecord<Object, Object> stamped(long timestamp) {
        return new ConsumerRecord<>("clicks", 0, 0, timestamp, TimestampType.CREATE_TIME, 0, 0, "key", "value",
                new RecordHeaders(), Optional.empty());
    }
}

package io.attribution.app;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadReplacementsTest {

    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final Clock clock = new Clock() {
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    };

    @Test
    void aDeadThreadIsReplacedABoundedNumberOfTimesWithinTheWindowThenTheClientStops() {
        ThreadReplacements replacements = new ThreadReplacements(2, Duration.ofMinutes(10), clock);

        assertThat(replacements.handle(new IllegalStateException("one"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now = now.plus(Duration.ofMinutes(1));
        assertThat(replacements.handle(new IllegalStateException("two"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(replacements.handle(new ArithmeticException("three")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(replacements.total()).isEqualTo(2);
        assertThat(replacements.lastError()).isEqualTo(ArithmeticException.class.getName());
    }

    @Test
    void replacementsOlderThanTheWindowNoLongerCount() {
        ThreadReplacements replacements = new ThreadReplacements(1, Duration.ofMinutes(10), clock);

        assertThat(replacements.handle(new IllegalStateException())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now = now.plus(Duration.ofMinutes(11));
        assertThat(replacements.handle(new IllegalStateException())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(replacements.handle(new IllegalStateException())).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(replacements.total()).isEqualTo(2);
    }

    @Test
    void noReplacementAllowedStopsAtOnce() {
        assertThat(new ThreadReplacements(0, Duration.ofMinutes(10), clock).handle(new IllegalStateException()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}

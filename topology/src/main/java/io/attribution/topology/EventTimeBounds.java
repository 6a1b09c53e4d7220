package io.attribution.topology;

import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The event times a click or a postback may carry. Stores are filed under these times, and a
 * windowed store drops every segment older than its newest entry minus its retention: one click
 * dated 2100 would make every store that files it forget everything else. So an event time may be
 * at most {@code skew} ahead of its record time and of this instance's clock, and no older than
 * the retention before its record time (a store would drop it unseen).
 */
final class EventTimeBounds {

    private final Clock clock;
    private final long skewMillis;
    private final Duration skew;
    private final Duration retention;

    EventTimeBounds(Clock clock, Duration skew, Duration retention) {
        this.clock = clock;
        this.skew = skew;
        this.skewMillis = skew.toMillis();
        this.retention = retention;
    }

    /** @throws EventTimeOutOfBounds when {@code clicked_at} is out of bounds */
    void requireWithin(Click click, long recordTime) {
        require("clicked_at", click.getClickedAt(), recordTime);
    }

    /** @throws EventTimeOutOfBounds when {@code received_at} is out of bounds */
    void requireWithin(RawPostback postback, long recordTime) {
        require("received_at", postback.getReceivedAt(), recordTime);
    }

    private void require(String field, Instant eventTime, long recordTime) {
        long time = eventTime.toEpochMilli();
        long now = clock.millis();
        if (time - skewMillis > Math.min(recordTime, now)) {
            String reference = recordTime <= now ? "its record time " + Instant.ofEpochMilli(recordTime)
                    : "the clock " + Instant.ofEpochMilli(now);
            throw new EventTimeOutOfBounds(field + " " + eventTime + " is more than " + skew + " ahead of " + reference);
        }
        if (time < recordTime - retention.toMillis()) {
            throw new EventTimeOutOfBounds(field + " " + eventTime + " is older than the retention of "
                    + retention.toDays() + " days before its record time " + Instant.ofEpochMilli(recordTime));
        }
    }
}

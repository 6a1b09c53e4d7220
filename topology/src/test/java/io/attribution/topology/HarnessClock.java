package io.attribution.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The topology's clock in a test: the driver's wall clock, or the latest time piped if that is
 * later, as if every record were written by a producer at its own time. Tests replay days and
 * months in seconds; event times are checked against this clock.
 */
final class HarnessClock extends Clock {

    private Instant wallClock;
    private Instant latestPiped = Instant.EPOCH;

    HarnessClock(Instant wallClockStart) {
        this.wallClock = wallClockStart;
    }

    void piped(Instant recordTime) {
        if (recordTime.isAfter(latestPiped)) {
            latestPiped = recordTime;
        }
    }

    void advance(Duration duration) {
        wallClock = wallClock.plus(duration);
    }

    @Override
    public Instant instant() {
        return wallClock.isAfter(latestPiped) ? wallClock : latestPiped;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the topology reads instants only");
    }
}

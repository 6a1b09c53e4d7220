package io.attribution.query.endpoints;

import io.attribution.query.protocol.BadParameter;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code [from, to)} of a stats question, widened to whole buckets (hours, or UTC days), so
 * that no bucket counts only part of its time; by default the 24 hours up to now.
 */
record BucketRange(Instant from, Instant to) {

    private static final Duration DEFAULT_RANGE = Duration.ofDays(1);

    /**
     * @param max the longest widened range: what other instances are asked, so they must accept it too
     * @throws BadParameter naming {@code from} or {@code to}
     */
    static BucketRange read(HttpServletRequest request, Clock clock, ChronoUnit bucket, Duration max)
            throws BadParameter {
        Instant to = RequestParams.instant(request, "to").orElseGet(clock::instant);
        Instant from = RequestParams.instant(request, "from").orElse(to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw new BadParameter("to", "to (" + to + ") must be after from (" + from + ")");
        }
        BucketRange range = new BucketRange(from.truncatedTo(bucket), ceil(to, bucket));
        if (Duration.between(range.from(), range.to()).compareTo(max) > 0) {
            throw new BadParameter("from", "a range is at most " + max.toDays() + " days, in whole buckets");
        }
        return range;
    }

    private static Instant ceil(Instant at, ChronoUnit unit) {
        Instant floor = at.truncatedTo(unit);
        return floor.equals(at) ? at : floor.plus(unit.getDuration());
    }
}

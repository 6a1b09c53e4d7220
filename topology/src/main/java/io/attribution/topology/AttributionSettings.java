package io.attribution.topology;

import java.time.Duration;

/**
 * Timing of the attribution rules, and what the topology must know of its input topics.
 *
 * @param unknownClickGrace how long a postback waits for its click before UNKNOWN_CLICK (trackers race)
 * @param graceCheckInterval how often, on the wall clock, waiting postbacks are checked: a partition
 *                           that receives nothing still rejects them within grace + this interval
 * @param clickRetention     how long clicks and their conversions are remembered: at least the
 *                           longest attribution window, plus the time advertisers may still send
 *                           status updates
 * @param maxEventTimeSkew   how far ahead of its record time (and of this instance's clock) a click
 *                           or a postback may be dated; a later one goes to the dead-letter topic,
 *                           and no record time counts for more than the clock plus this
 * @param inputPartitions    the partition count of {@code clicks} and {@code postbacks.raw}: where
 *                           a click id belongs is computed from it, so it must be the topics' real
 *                           count (the app reads it from the cluster at start)
 * @param bounds             what one key of state may hold
 */
public record AttributionSettings(Duration unknownClickGrace, Duration graceCheckInterval, Duration clickRetention,
                                  Duration maxEventTimeSkew, int inputPartitions, StateBounds bounds) {

    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_GRACE_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CLICK_RETENTION = Duration.ofDays(60);
    public static final Duration DEFAULT_MAX_EVENT_TIME_SKEW = Duration.ofMinutes(5);

    public AttributionSettings {
        if (unknownClickGrace.isNegative()) {
            throw new IllegalArgumentException("unknown click grace must not be negative");
        }
        if (graceCheckInterval.isNegative() || graceCheckInterval.isZero()) {
            throw new IllegalArgumentException("grace check interval must be positive");
        }
        if (clickRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("click retention must be at least a day, was " + clickRetention);
        }
        if (maxEventTimeSkew.isNegative()) {
            throw new IllegalArgumentException("max event time skew must not be negative");
        }
        if (inputPartitions < 1) {
            throw new IllegalArgumentException("input partitions must be positive, was " + inputPartitions);
        }
    }

    /** With the default {@link StateBounds}. */
    public AttributionSettings(Duration unknownClickGrace, Duration graceCheckInterval, Duration clickRetention,
                               Duration maxEventTimeSkew, int inputPartitions) {
        this(unknownClickGrace, graceCheckInterval, clickRetention, maxEventTimeSkew, inputPartitions,
                StateBounds.defaults());
    }

    /** The defaults, for input topics of one partition. */
    public static AttributionSettings defaults() {
        return new AttributionSettings(DEFAULT_GRACE, DEFAULT_GRACE_CHECK_INTERVAL, DEFAULT_CLICK_RETENTION,
                DEFAULT_MAX_EVENT_TIME_SKEW, 1);
    }

    public AttributionSettings withUnknownClickGrace(Duration grace) {
        return new AttributionSettings(grace, graceCheckInterval, clickRetention, maxEventTimeSkew, inputPartitions,
                bounds);
    }

    public AttributionSettings withInputPartitions(int partitions) {
        return new AttributionSettings(unknownClickGrace, graceCheckInterval, clickRetention, maxEventTimeSkew,
                partitions, bounds);
    }

    public AttributionSettings withBounds(StateBounds bounds) {
        return new AttributionSettings(unknownClickGrace, graceCheckInterval, clickRetention, maxEventTimeSkew,
                inputPartitions, bounds);
    }
}

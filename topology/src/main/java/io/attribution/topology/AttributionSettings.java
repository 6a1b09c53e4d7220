package io.attribution.topology;

import java.time.Duration;

/**
 * Timing of the attribution rules.
 *
 * @param unknownClickGrace how long a postback waits for its click before UNKNOWN_CLICK (trackers race)
 * @param graceCheckInterval how often, on the wall clock, waiting postbacks are checked: a partition
 *                           that receives nothing still rejects them within grace + this interval
 * @param clickRetention     how long clicks and their conversions are remembered: at least the
 *                           longest attribution window, plus the time advertisers may still send
 *                           status updates
 * @param bounds             what one key of state may hold
 */
public record AttributionSettings(Duration unknownClickGrace, Duration graceCheckInterval, Duration clickRetention,
                                  StateBounds bounds) {

    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_GRACE_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CLICK_RETENTION = Duration.ofDays(60);

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
    }

    /** With the default {@link StateBounds}. */
    public AttributionSettings(Duration unknownClickGrace, Duration graceCheckInterval, Duration clickRetention) {
        this(unknownClickGrace, graceCheckInterval, clickRetention, StateBounds.defaults());
    }

    public static AttributionSettings defaults() {
        return new AttributionSettings(DEFAULT_GRACE, DEFAULT_GRACE_CHECK_INTERVAL, DEFAULT_CLICK_RETENTION);
    }

    public AttributionSettings withUnknownClickGrace(Duration grace) {
        return new AttributionSettings(grace, graceCheckInterval, clickRetention, bounds);
    }

    public AttributionSettings withBounds(StateBounds bounds) {
        return new AttributionSettings(unknownClickGrace, graceCheckInterval, clickRetention, bounds);
    }
}

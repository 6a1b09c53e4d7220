package io.attribution.topology;

import java.time.Duration;
import java.time.Instant;

/**
 * Keys of the stats store: {@code dimension NUL id NUL hour}, the hour as ten zero-padded digits
 * of hours since the epoch. String keys sort as their UTF-8 bytes in RocksDB, so the hours of one
 * campaign, affiliate or goal are adjacent and in time order: a time range is one range scan.
 */
public final class StatsKey {

    /** What a stats bucket is about. A goal's id is its campaign's id and its own, since goal ids are per campaign. */
    public enum Dimension {
        CAMPAIGN("campaign"), AFFILIATE("affiliate"), GOAL("goal");

        private final String prefix;

        Dimension(String prefix) {
            this.prefix = prefix;
        }
    }

    private static final char SEPARATOR = '\u0000';
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    private static final int HOUR_DIGITS = 10;
    private static final String ZEROS = "0".repeat(HOUR_DIGITS);

    private StatsKey() {
    }

    /** The id of a goal in the stats store. */
    public static String goalId(String campaignId, String goalId) {
        return campaignId + SEPARATOR + goalId;
    }

    /** The key of the hour that holds {@code at}. */
    public static String of(Dimension dimension, String id, Instant at) {
        return ofHour(dimension, id, hoursSinceEpoch(at));
    }

    /** The hour that holds {@code at}, counted from the epoch. */
    static long hoursSinceEpoch(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), HOUR_MILLIS);
    }

    /** The key of an hour counted from the epoch: the bounds of a range scan are two of these. */
    public static String ofHour(Dimension dimension, String id, long hoursSinceEpoch) {
        // By hand, not String.format("%010d"): three keys are built per decided postback.
        // The same text: ten characters at least, a minus sign (hours before 1970) among them.
        String digits = Long.toString(Math.abs(hoursSinceEpoch));
        StringBuilder key = new StringBuilder(dimension.prefix.length() + id.length() + 2 + HOUR_DIGITS)
                .append(dimension.prefix).append(SEPARATOR).append(id).append(SEPARATOR);
        int width = HOUR_DIGITS;
        if (hoursSinceEpoch < 0) {
            key.append('-');
            width--;
        }
        return key.append(ZEROS, 0, Math.max(0, width - digits.length())).append(digits).toString();
    }

    /** The start of the hour a key is about. */
    public static Instant hourOf(String key) {
        return Instant.ofEpochMilli(Long.parseLong(key.substring(key.lastIndexOf(SEPARATOR) + 1)) * HOUR_MILLIS);
    }
}

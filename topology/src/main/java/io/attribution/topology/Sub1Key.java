package io.attribution.topology;

import java.time.Duration;
import java.time.Instant;

/**
 * Keys of the sub1 breakdown ({@link QueryStores#SUB1_STATS}): {@code campaign NUL affiliate NUL
 * day NUL what}, the day as eight zero-padded digits of UTC days since the epoch, and {@code what}
 * one letter and the value: {@code v} and the sub1 value, {@code n} for clicks without sub1,
 * {@code o} for the values past the cap of a day. The days of one campaign's affiliate are adjacent
 * and in time order, every sub1 of a day within them: a range of days is one range scan.
 */
public final class Sub1Key {

    /** What a sub1 breakdown entry is about. */
    public enum Kind {
        /** One sub1 value. */
        VALUE('v'),
        /** Clicks (and their conversions) that carried no sub1. */
        NONE('n'),
        /** Every sub1 value past the day's cap, together. */
        OTHER('o');

        private final char marker;

        Kind(char marker) {
            this.marker = marker;
        }
    }

    /** An entry's key read back: its day and what it counts. {@code value} is null but for {@link Kind#VALUE}. */
    public record Entry(long day, Kind kind, String value) {
    }

    private static final char SEPARATOR = '\u0000';
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    private static final int DAY_DIGITS = 8;

    private Sub1Key() {
    }

    /** The UTC day that holds {@code at}, counted from the epoch. */
    public static long daysSinceEpoch(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), DAY_MILLIS);
    }

    /** The start of a day counted from the epoch. */
    public static Instant dayStart(long daysSinceEpoch) {
        return Instant.ofEpochMilli(daysSinceEpoch * DAY_MILLIS);
    }

    /** The entry of one sub1 value in a day. */
    static String ofValue(String campaignId, String affiliateId, long day, String sub1) {
        return day(campaignId, affiliateId, day) + SEPARATOR + Kind.VALUE.marker + sub1;
    }

    static String of(String campaignId, String affiliateId, long day, Kind kind) {
        return day(campaignId, affiliateId, day) + SEPARATOR + kind.marker;
    }

    /** The day of a campaign's affiliate, without its entries: the key of its count of sub1 values. */
    static String day(String campaignId, String affiliateId, long day) {
        // Days before 1970 are refused where clicks enter (EventTimeBounds); clamped so keys keep their width.
        String digits = Long.toString(Math.max(0, day));
        return campaignId + SEPARATOR + affiliateId + SEPARATOR + "0".repeat(Math.max(0, DAY_DIGITS - digits.length()))
                + digits;
    }

    /** The first key a range scan of days {@code [fromDay, toDay]} reads. */
    public static String lowerBound(String campaignId, String affiliateId, long fromDay) {
        return day(campaignId, affiliateId, fromDay) + SEPARATOR;
    }

    /** A key after every entry of {@code toDay}, and before the next day's: the upper bound of that scan. */
    public static String upperBound(String campaignId, String affiliateId, long toDay) {
        return day(campaignId, affiliateId, toDay) + SEPARATOR + (char) (Kind.VALUE.marker + 1);
    }

    /** Reads an entry's key. */
    public static Entry parse(String key) {
        // A sub1 value may hold NUL itself: the day is the eight digits after the affiliate, found from the left.
        int afterAffiliate = key.indexOf(SEPARATOR, key.indexOf(SEPARATOR) + 1) + 1;
        long day = Long.parseLong(key.substring(afterAffiliate, afterAffiliate + DAY_DIGITS));
        char marker = key.charAt(afterAffiliate + DAY_DIGITS + 1);
        String rest = key.substring(afterAffiliate + DAY_DIGITS + 2);
        for (Kind kind : Kind.values()) {
            if (kind.marker == marker) {
                return new Entry(day, kind, kind == Kind.VALUE ? rest : null);
            }
        }
        throw new IllegalArgumentException("not a sub1 breakdown key: " + key.replace(SEPARATOR, '/'));
    }
}

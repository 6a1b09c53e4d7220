package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.StatsBucket;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The sub1 breakdown of one partition: per campaign, affiliate and UTC day, the clicks of each
 * sub1 value and the conversions of those clicks (in the day the conversion was created, at its
 * current status, with its money), as {@code StatsBucket}s under {@link Sub1Key}s.
 *
 * <p>sub1 is whatever the affiliate's link carried, so hostile traffic can send a new value with
 * every click. Bounded: a day of a campaign's affiliate files at most {@link #MAX_VALUES_PER_DAY}
 * values on a partition ({@link QueryStores#SUB1_COUNTS} counts them); later new values count
 * together as {@link Sub1Key.Kind#OTHER}, and values are cut to {@link #MAX_VALUE_LENGTH}
 * characters. A value the day already holds keeps counting under its own name however many
 * clicks it gets: a hot sub1 is one small bucket.
 */
final class Sub1Stats {

    /** New sub1 values a campaign's affiliate files per UTC day and partition; later ones are OTHER. */
    static final int MAX_VALUES_PER_DAY = 1_000;
    /** A sub1 value is counted under its first this many characters. */
    static final int MAX_VALUE_LENGTH = 100;

    private final KeyValueStore<String, StatsBucket> buckets;
    private final KeyValueStore<String, Long> valuesFiled;

    Sub1Stats(KeyValueStore<String, StatsBucket> buckets, KeyValueStore<String, Long> valuesFiled) {
        this.buckets = buckets;
        this.valuesFiled = valuesFiled;
    }

    /** A click, in the day it was made. */
    void clicked(Click click) {
        update(click.getCampaignId(), click.getAffiliateId(), click.getSubs().get("sub1"), click.getClickedAt(),
                bucket -> bucket.clicks += 1);
    }

    /** A new conversion, or a status update of one created at {@code createdAt}: under its click's sub1. */
    void attributed(AttributedConversion conversion, Instant createdAt) {
        update(conversion.getCampaignId(), conversion.getAffiliateId(), conversion.getSubs().get("sub1"), createdAt,
                bucket -> bucket.countConversion(conversion));
    }

    private void update(String campaignId, String affiliateId, String sub1, Instant at,
                        Consumer<MutableStatsBucket> change) {
        long day = Sub1Key.daysSinceEpoch(at);
        String key;
        StatsBucket stored;
        if (sub1 == null || sub1.isEmpty()) {
            key = Sub1Key.of(campaignId, affiliateId, day, Sub1Key.Kind.NONE);
            stored = buckets.get(key);
        } else {
            String value = sub1.length() > MAX_VALUE_LENGTH ? sub1.substring(0, MAX_VALUE_LENGTH) : sub1;
            key = Sub1Key.ofValue(campaignId, affiliateId, day, value);
            stored = buckets.get(key);
            if (stored == null && !fileNewValue(campaignId, affiliateId, day)) {
                // Past the cap: a status update lands here too, as its conversion did (the cap only
                // fills up, so a value not filed when the conversion was created is not filed later).
                key = Sub1Key.of(campaignId, affiliateId, day, Sub1Key.Kind.OTHER);
                stored = buckets.get(key);
            }
        }
        MutableStatsBucket bucket = new MutableStatsBucket(stored);
        change.accept(bucket);
        buckets.put(key, bucket.toRecord());
    }

    /** Takes one of the day's places for a new value, if one is left. */
    private boolean fileNewValue(String campaignId, String affiliateId, long day) {
        String dayKey = Sub1Key.day(campaignId, affiliateId, day);
        Long filed = valuesFiled.get(dayKey);
        long count = filed == null ? 0 : filed;
        if (count >= MAX_VALUES_PER_DAY) {
            return false;
        }
        valuesFiled.put(dayKey, count + 1);
        return true;
    }
}

package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.Click;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.StatsBucket;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The hourly stats of one partition: every decided postback updates the hour buckets of its
 * campaign, affiliate and goal, and every click those of its campaign and affiliate (a click has
 * no goal). Amounts are summed as {@link java.math.BigDecimal}s and stored as plain decimal
 * strings, so a total is exact to the last digit the advertiser sent.
 */
final class StatsTable {

    private final KeyValueStore<String, StatsBucket> store;

    StatsTable(KeyValueStore<String, StatsBucket> store) {
        this.store = store;
    }

    /** A new conversion, or a status update of one created at {@code createdAt}. */
    void attributed(AttributedConversion conversion, Instant createdAt) {
        List<Subject> ids = dimensions(conversion.getCampaignId(), conversion.getAffiliateId(), conversion.getGoalId());
        Consumer<MutableStatsBucket> received = bucket -> bucket.postbacksReceived += 1;
        Consumer<MutableStatsBucket> counted = bucket -> bucket.countConversion(conversion);
        Instant receivedAt = conversion.getConvertedAt();
        if (StatsKey.hoursSinceEpoch(receivedAt) == StatsKey.hoursSinceEpoch(createdAt)) {
            // A new conversion (and an update within its hour): one read and write per bucket, not two.
            update(ids, createdAt, received.andThen(counted));
        } else {
            update(ids, receivedAt, received);
            update(ids, createdAt, counted);
        }
    }

    void rejected(RejectedPostback rejection) {
        List<Subject> ids = dimensions(rejection.getCampaignId(), rejection.getAffiliateId(), rejection.getGoalId());
        update(ids, rejection.getPostback().getReceivedAt(), bucket -> {
            bucket.postbacksReceived += 1;
            bucket.add(bucket.rejections, rejection.getReason().name(), 1);
        });
    }

    /** A click, in the hour it was made: its campaign's and its affiliate's. */
    void clicked(Click click) {
        update(dimensions(click.getCampaignId(), click.getAffiliateId(), null), click.getClickedAt(),
                bucket -> bucket.clicks += 1);
    }

    /** A campaign, affiliate or goal whose stats a postback counts in. */
    private record Subject(StatsKey.Dimension dimension, String id) {
    }

    /** What a postback counts under; the unknown ones (no click, no goal) are left out. */
    private static List<Subject> dimensions(String campaignId, String affiliateId, String goalId) {
        List<Subject> subjects = new ArrayList<>(3);
        if (campaignId != null) {
            subjects.add(new Subject(StatsKey.Dimension.CAMPAIGN, campaignId));
            if (goalId != null && !goalId.isEmpty()) {
                subjects.add(new Subject(StatsKey.Dimension.GOAL, StatsKey.goalId(campaignId, goalId)));
            }
        }
        if (affiliateId != null) {
            subjects.add(new Subject(StatsKey.Dimension.AFFILIATE, affiliateId));
        }
        return subjects;
    }

    private void update(List<Subject> subjects, Instant at, Consumer<MutableStatsBucket> change) {
        for (Subject subject : subjects) {
            String key = StatsKey.of(subject.dimension(), subject.id(), at);
            MutableStatsBucket bucket = new MutableStatsBucket(store.get(key));
            change.accept(bucket);
            store.put(key, bucket.toRecord());
        }
    }
}

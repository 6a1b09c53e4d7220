package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.RejectedPostback;
import io.attribution.avro.StatsBucket;
import org.apache.kafka.streams.state.KeyValueStore;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The hourly stats of one partition: every decided postback updates the hour buckets of its
 * campaign, affiliate and goal. Amounts are summed as {@link BigDecimal}s and stored as plain
 * decimal strings, so a total is exact to the last digit the advertiser sent.
 */
final class StatsTable {

    private final KeyValueStore<String, StatsBucket> store;

    StatsTable(KeyValueStore<String, StatsBucket> store) {
        this.store = store;
    }

    /** A new conversion, or a status update of one created at {@code createdAt}. */
    void attributed(AttributedConversion conversion, Instant createdAt) {
        List<Subject> ids = dimensions(conversion.getCampaignId(), conversion.getAffiliateId(), conversion.getGoalId());
        Consumer<MutableBucket> received = bucket -> bucket.postbacksReceived += 1;
        Consumer<MutableBucket> counted = bucket -> {
            ConversionStatus previous = conversion.getPreviousStatus();
            if (previous != null) {
                bucket.add(bucket.conversions, previous.name(), -1);
                if (counts(previous)) {
                    bucket.addMoney(conversion, BigDecimal.ONE.negate());
                }
            }
            bucket.add(bucket.conversions, conversion.getStatus().name(), 1);
            if (counts(conversion.getStatus())) {
                bucket.addMoney(conversion, BigDecimal.ONE);
            }
        };
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

    /** Revenue and payout are what APPROVED and PENDING conversions are worth; the others are worth nothing. */
    static boolean counts(ConversionStatus status) {
        return status == ConversionStatus.APPROVED || status == ConversionStatus.PENDING;
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

    private void update(List<Subject> subjects, Instant at, Consumer<MutableBucket> change) {
        for (Subject subject : subjects) {
            String key = StatsKey.of(subject.dimension(), subject.id(), at);
            MutableBucket bucket = new MutableBucket(store.get(key));
            change.accept(bucket);
            store.put(key, bucket.toRecord());
        }
    }

    /** A bucket being changed: Avro's builders copy their maps on every set, so the maps are copied once here. */
    private static final class MutableBucket {
        long postbacksReceived;
        final Map<String, Long> conversions;
        final Map<String, Long> rejections;
        final Map<String, String> revenue;
        final Map<String, String> payout;

        MutableBucket(StatsBucket stored) {
            StatsBucket bucket = stored == null ? StatsBucket.newBuilder().build() : stored;
            postbacksReceived = bucket.getPostbacksReceived();
            conversions = new HashMap<>(bucket.getConversions());
            rejections = new HashMap<>(bucket.getRejections());
            revenue = new HashMap<>(bucket.getRevenue());
            payout = new HashMap<>(bucket.getPayout());
        }

        void add(Map<String, Long> counts, String name, long delta) {
            counts.merge(name, delta, Long::sum);
        }

        void addMoney(AttributedConversion conversion, BigDecimal sign) {
            addDecimal(revenue, conversion.getCurrency(), conversion.getRevenue().multiply(sign));
            addDecimal(payout, conversion.getCurrency(), conversion.getPayout().multiply(sign));
        }

        private static void addDecimal(Map<String, String> sums, String currency, BigDecimal amount) {
            sums.merge(currency, amount.toPlainString(),
                    (sum, more) -> new BigDecimal(sum).add(new BigDecimal(more)).toPlainString());
        }

        StatsBucket toRecord() {
            return new StatsBucket(postbacksReceived, conversions, rejections, revenue, payout);
        }
    }
}

package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ConversionStatus;
import io.attribution.avro.StatsBucket;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * A stats bucket being changed, for the campaign, affiliate and goal hours ({@link StatsTable})
 * and the sub1 days ({@link Sub1Stats}) alike: Avro's builders copy their maps on every set, so
 * the maps are copied once here.
 */
final class MutableStatsBucket {

    long postbacksReceived;
    long clicks;
    final Map<String, Long> conversions;
    final Map<String, Long> rejections;
    final Map<String, String> revenue;
    final Map<String, String> payout;

    MutableStatsBucket(StatsBucket stored) {
        StatsBucket bucket = stored == null ? StatsBucket.newBuilder().build() : stored;
        postbacksReceived = bucket.getPostbacksReceived();
        clicks = bucket.getClicks();
        conversions = new HashMap<>(bucket.getConversions());
        rejections = new HashMap<>(bucket.getRejections());
        revenue = new HashMap<>(bucket.getRevenue());
        payout = new HashMap<>(bucket.getPayout());
    }

    void add(Map<String, Long> counts, String name, long delta) {
        counts.merge(name, delta, Long::sum);
    }

    /**
     * A conversion at its status, in the bucket of its creation: an update moves it out of its
     * previous status (and takes back its money if that status counted).
     */
    void countConversion(AttributedConversion conversion) {
        ConversionStatus previous = conversion.getPreviousStatus();
        if (previous != null) {
            add(conversions, previous.name(), -1);
            if (counts(previous)) {
                addMoney(conversion, BigDecimal.ONE.negate());
            }
        }
        add(conversions, conversion.getStatus().name(), 1);
        if (counts(conversion.getStatus())) {
            addMoney(conversion, BigDecimal.ONE);
        }
    }

    /** Revenue and payout are what APPROVED and PENDING conversions are worth; the others are worth nothing. */
    static boolean counts(ConversionStatus status) {
        return status == ConversionStatus.APPROVED || status == ConversionStatus.PENDING;
    }

    private void addMoney(AttributedConversion conversion, BigDecimal sign) {
        addDecimal(revenue, conversion.getCurrency(), conversion.getRevenue().multiply(sign));
        addDecimal(payout, conversion.getCurrency(), conversion.getPayout().multiply(sign));
    }

    private static void addDecimal(Map<String, String> sums, String currency, BigDecimal amount) {
        sums.merge(currency, amount.toPlainString(),
                (sum, more) -> new BigDecimal(sum).add(new BigDecimal(more)).toPlainString());
    }

    StatsBucket toRecord() {
        return new StatsBucket(postbacksReceived, conversions, rejections, revenue, payout, clicks);
    }
}

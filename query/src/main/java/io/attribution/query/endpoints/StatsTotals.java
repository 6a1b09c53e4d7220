package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.avro.StatsBucket;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums of stats buckets: counts as longs, money as {@link BigDecimal}s, so adding the partitions
 * of a fan-out, or the hours of a day, is exact. Written to JSON with amounts as decimal strings,
 * and the per-click figures derived from the sums at the end, never summed themselves:
 * {@code conversion_rate} (APPROVED and PENDING conversions per click) and {@code epc} (payout per
 * click, by currency), both null when there were no clicks.
 */
final class StatsTotals {

    private long postbacksReceived;
    private long clicks;
    private final Map<String, Long> conversions = new TreeMap<>();
    private final Map<String, Long> rejections = new TreeMap<>();
    private final Map<String, BigDecimal> revenue = new TreeMap<>();
    private final Map<String, BigDecimal> payout = new TreeMap<>();

    StatsTotals add(StatsBucket bucket) {
        postbacksReceived += bucket.getPostbacksReceived();
        clicks += bucket.getClicks();
        bucket.getConversions().forEach((status, count) -> conversions.merge(status, count, Long::sum));
        bucket.getRejections().forEach((reason, count) -> rejections.merge(reason, count, Long::sum));
        bucket.getRevenue().forEach((currency, amount) -> revenue.merge(currency, new BigDecimal(amount), BigDecimal::add));
        bucket.getPayout().forEach((currency, amount) -> payout.merge(currency, new BigDecimal(amount), BigDecimal::add));
        return this;
    }

    /**
     * Only the clicks of a bucket: a goal's stats count its campaign's clicks, since a click has no
     * goal (any of the campaign's goals can come of it).
     */
    StatsTotals addClicks(StatsBucket bucket) {
        clicks += bucket.getClicks();
        return this;
    }

    /** Adds what {@link #toJson} wrote, on another instance or for another hour; the per-click figures are derived again. */
    StatsTotals add(JsonNode totals) {
        postbacksReceived += totals.path("postbacks_received").asLong();
        clicks += totals.path("clicks").asLong();
        totals.path("conversions").fields().forEachRemaining(e -> conversions.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        totals.path("rejections").fields().forEachRemaining(e -> rejections.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        totals.path("revenue").fields().forEachRemaining(e ->
                revenue.merge(e.getKey(), new BigDecimal(e.getValue().asText()), BigDecimal::add));
        totals.path("payout").fields().forEachRemaining(e ->
                payout.merge(e.getKey(), new BigDecimal(e.getValue().asText()), BigDecimal::add));
        return this;
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("postbacks_received", postbacksReceived);
        ObjectNode byStatus = node.putObject("conversions");
        // A status every conversion moved out of is a zero: left out, like a status never seen.
        conversions.forEach((status, count) -> {
            if (count != 0) {
                byStatus.put(status, count);
            }
        });
        ObjectNode byReason = node.putObject("rejections");
        rejections.forEach(byReason::put);
        ObjectNode revenueNode = node.putObject("revenue");
        revenue.forEach((currency, amount) -> revenueNode.put(currency, Amounts.plain(amount)));
        ObjectNode payoutNode = node.putObject("payout");
        payout.forEach((currency, amount) -> payoutNode.put(currency, Amounts.plain(amount)));
        node.put("clicks", clicks);
        if (clicks == 0) {
            // No clicks, no rate: null rather than 0 (nothing converted) or infinity (postbacks without clicks).
            node.putNull("conversion_rate");
            node.putNull("epc");
        } else {
            node.put("conversion_rate", Amounts.rate(countedConversions(), clicks));
            ObjectNode epc = node.putObject("epc");
            payout.forEach((currency, amount) -> epc.put(currency, Amounts.perClick(amount, clicks)));
        }
        return node;
    }

    long clicks() {
        return clicks;
    }

    /** The conversions that earn (APPROVED and PENDING): those revenue and payout are the worth of. */
    long countedConversions() {
        return conversions.getOrDefault("APPROVED", 0L) + conversions.getOrDefault("PENDING", 0L);
    }
}

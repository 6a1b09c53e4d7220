package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.avro.StatsBucket;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Sums across partitions and hours are exact, and survive the trip between instances as JSON. */
class StatsTotalsTest {

    @Test
    void partitionsSumExactlyThroughTheirJson() {
        // 0.1 + 0.2 is not 0.3 in a double: the classic way to lose a cent.
        JsonNode first = new StatsTotals().add(bucket(2, "0.1", "0.05")).toJson();
        JsonNode second = new StatsTotals().add(bucket(1, "0.2", "0.000001")).toJson();

        JsonNode merged = new StatsTotals().add(first).add(second).toJson();

        assertThat(merged.get("postbacks_received").asLong()).isEqualTo(3);
        assertThat(merged.at("/conversions/APPROVED").asLong()).isEqualTo(3);
        assertThat(merged.at("/rejections/UNKNOWN_GOAL").asLong()).isEqualTo(2);
        assertThat(merged.at("/revenue/USD").asText()).isEqualTo("0.30");
        assertThat(merged.at("/payout/USD").asText()).isEqualTo("0.050001");
    }

    @Test
    void aStatusEveryConversionLeftIsNotReported() {
        StatsBucket moved = StatsBucket.newBuilder().setConversions(Map.of("PENDING", 0L, "CANCELLED", 1L)).build();

        JsonNode json = new StatsTotals().add(moved).toJson();

        assertThat(json.get("conversions").properties()).extracting(Map.Entry::getKey).containsExactly("CANCELLED");
    }

    @Test
    void amountsReadAsCentsWithoutPadding() {
        assertThat(Amounts.plain(new BigDecimal("1.500000"))).isEqualTo("1.50");
        assertThat(Amounts.plain(new BigDecimal("0.000000"))).isEqualTo("0.00");
        assertThat(Amounts.plain(new BigDecimal("12.345600"))).isEqualTo("12.3456");
        assertThat(Amounts.plain(new BigDecimal("1E+3"))).isEqualTo("1000.00");
        assertThat(Amounts.plain(new BigDecimal("-4.10"))).isEqualTo("-4.10");
    }

    @Test
    void conversionRateAndEpcComeFromTheSumsNotFromThePartitionsRates() {
        // 1 conversion in 1 click here, 0 in 3 there: 1 in 4 overall, not the mean of 1 and 0.
        JsonNode first = new StatsTotals().add(clicked(bucket(1, "3.00", "2.00"), 1)).toJson();
        JsonNode second = new StatsTotals().add(clicked(StatsBucket.newBuilder().build(), 3)).toJson();
        assertThat(first.get("conversion_rate").asText()).isEqualTo("1");

        JsonNode merged = new StatsTotals().add(first).add(second).toJson();

        assertThat(merged.get("clicks").asLong()).isEqualTo(4);
        assertThat(merged.get("conversion_rate").asText()).isEqualTo("0.25");
        assertThat(merged.at("/epc/USD").asText()).isEqualTo("0.50");
    }

    @Test
    void onlyEarningConversionsConvertAndEveryCurrencyHasItsEpc() {
        StatsBucket bucket = StatsBucket.newBuilder().setClicks(3)
                .setConversions(Map.of("APPROVED", 1L, "PENDING", 1L, "REJECTED", 5L, "CANCELLED", 1L))
                .setPayout(Map.of("USD", "10.000000", "EUR", "0.000001")).build();

        JsonNode json = new StatsTotals().add(bucket).toJson();

        assertThat(json.get("conversion_rate").asText()).as("2 in 3, half-even at 6 places").isEqualTo("0.666667");
        assertThat(json.at("/epc/USD").asText()).isEqualTo("3.333333");
        assertThat(json.at("/epc/EUR").asText()).as("below the sixth place: zero, with cents").isEqualTo("0.00");
    }

    @Test
    void withoutClicksThereIsNoRateNorEpc() {
        JsonNode json = new StatsTotals().add(bucket(2, "1.00", "1.00")).toJson();

        assertThat(json.get("clicks").asLong()).isZero();
        assertThat(json.get("conversion_rate").isNull()).isTrue();
        assertThat(json.get("epc").isNull()).isTrue();
    }

    @Test
    void clicksWithoutPayoutHaveARateOfZeroAndAnEmptyEpc() {
        JsonNode json = new StatsTotals().add(clicked(StatsBucket.newBuilder().build(), 7)).toJson();

        assertThat(json.get("conversion_rate").asText()).isEqualTo("0");
        assertThat(json.get("epc").isObject()).isTrue();
        assertThat(json.get("epc").size()).isZero();
    }

    @Test
    void aGoalCountsOnlyTheClicksOfItsCampaignsBuckets() {
        StatsTotals goal = new StatsTotals().add(bucket(1, "1.00", "0.50"))
                .addClicks(clicked(bucket(9, "99.00", "99.00"), 10));

        JsonNode json = goal.toJson();

        assertThat(json.get("clicks").asLong()).isEqualTo(10);
        assertThat(json.at("/conversions/APPROVED").asLong()).as("the campaign's conversions are not the goal's")
                .isEqualTo(1);
        assertThat(json.get("conversion_rate").asText()).isEqualTo("0.1");
        assertThat(json.at("/epc/USD").asText()).isEqualTo("0.05");
    }

    private static StatsBucket clicked(StatsBucket bucket, long clicks) {
        return StatsBucket.newBuilder(bucket).setClicks(clicks).build();
    }

    private static StatsBucket bucket(long approved, String revenue, String payout) {
        return StatsBucket.newBuilder().setPostbacksReceived(approved)
                .setConversions(Map.of("APPROVED", approved)).setRejections(Map.of("UNKNOWN_GOAL", 1L))
                .setRevenue(Map.of("USD", revenue)).setPayout(Map.of("USD", payout)).build();
    }
}

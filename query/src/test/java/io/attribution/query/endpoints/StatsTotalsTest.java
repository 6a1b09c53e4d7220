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

    private static StatsBucket bucket(long approved, String revenue, String payout) {
        return StatsBucket.newBuilder().setPostbacksReceived(approved)
                .setConversions(Map.of("APPROVED", approved)).setRejections(Map.of("UNKNOWN_GOAL", 1L))
                .setRevenue(Map.of("USD", revenue)).setPayout(Map.of("USD", payout)).build();
    }
}

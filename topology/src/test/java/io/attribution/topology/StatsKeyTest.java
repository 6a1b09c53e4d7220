package io.attribution.topology;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Stats keys are the query API's range bounds and the stored data's keys: their text never changes. */
class StatsKeyTest {

    @Test
    void theHourIsTenZeroPaddedDigitsAsItAlwaysWas() {
        long[] hours = {0, 1, 9, 10, 493_817, 999_999_999, 9_999_999_999L, 10_000_000_000L, -1, -42,
                -999_999_999, -1_000_000_000, -123_456_789_012L};
        for (long hour : hours) {
            assertThat(StatsKey.ofHour(StatsKey.Dimension.AFFILIATE, "aff-1", hour))
                    .isEqualTo("affiliate\u0000aff-1\u0000" + String.format("%010d", hour));
        }
    }

    @Test
    void aKeyNamesTheHourThatHoldsItsInstant() {
        Instant at = Instant.parse("2026-03-01T10:59:59.999Z");
        String key = StatsKey.of(StatsKey.Dimension.GOAL, StatsKey.goalId("camp-1", "g-1"), at);

        assertThat(key).isEqualTo("goal\u0000camp-1\u0000g-1\u0000" + String.format("%010d",
                at.toEpochMilli() / Duration.ofHours(1).toMillis()));
        assertThat(StatsKey.hourOf(key)).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    }
}

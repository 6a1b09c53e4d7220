package io.attribution.query.endpoints;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How the API writes money: a decimal string, exact, with at least cents and no padding past them.
 * Per-click figures (a conversion rate, earnings per click) are quotients, exact only to
 * {@link #PER_CLICK_SCALE} decimal places: rounded half-even there, and written the same way.
 */
final class Amounts {

    /** Decimal places of a per-click figure: a rate of one conversion in a million clicks still shows. */
    static final int PER_CLICK_SCALE = 6;

    private Amounts() {
    }

    /** 12.5 reads 12.50, 1.500000 (an Avro decimal of scale 6) reads 1.50, 0.004 stays 0.004. */
    static String plain(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
    }

    /** An amount per click, e.g. earnings per click: 10.00 over 3 clicks reads 3.333333, over 4 reads 2.50. */
    static String perClick(BigDecimal amount, long clicks) {
        return plain(amount.divide(BigDecimal.valueOf(clicks), PER_CLICK_SCALE, RoundingMode.HALF_EVEN));
    }

    /** A count per click, e.g. a conversion rate, as a fraction: 1 in 4 reads 0.25, 1 in 3 0.333333, none 0. */
    static String rate(long count, long clicks) {
        BigDecimal rate = BigDecimal.valueOf(count).divide(BigDecimal.valueOf(clicks), PER_CLICK_SCALE,
                RoundingMode.HALF_EVEN).stripTrailingZeros();
        return (rate.scale() < 0 ? rate.setScale(0) : rate).toPlainString();
    }
}

package io.attribution.topology;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/** Exact money arithmetic: amounts end in the currency's minor units (cents, yen, fils). */
final class Money {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Money() {
    }

    /** {@code percent}% of {@code base}, rounded half-up to the currency's minor unit. */
    static BigDecimal percentOf(BigDecimal percent, BigDecimal base, String currency) {
        return round(base.multiply(percent).divide(HUNDRED), currency);
    }

    static BigDecimal round(BigDecimal amount, String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        // Currencies without minor units (e.g. XAU) report -1: keep cents as the safest reading.
        return amount.setScale(digits < 0 ? 2 : digits, RoundingMode.HALF_UP);
    }
}

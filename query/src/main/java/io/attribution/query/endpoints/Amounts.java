package io.attribution.query.endpoints;

import java.math.BigDecimal;

/** How the API writes money: a decimal string, exact, with at least cents and no padding past them. */
final class Amounts {

    private Amounts() {
    }

    /** 12.5 reads 12.50, 1.500000 (an Avro decimal of scale 6) reads 1.50, 0.004 stays 0.004. */
    static String plain(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
    }
}

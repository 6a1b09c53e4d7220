package io.attribution.topology;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class MoneyTest {

    @Test
    void roundsHalfUpToTheCurrencyMinorUnit() {
        assertThat(Money.round(new BigDecimal("1.005"), "USD")).isEqualTo(new BigDecimal("1.01"));
        assertThat(Money.round(new BigDecimal("1.004"), "USD")).isEqualTo(new BigDecimal("1.00"));
        assertThat(Money.round(new BigDecimal("149.5"), "JPY")).isEqualTo(new BigDecimal("150"));
        assertThat(Money.round(new BigDecimal("0.0005"), "BHD")).isEqualTo(new BigDecimal("0.001"));
    }

    @Test
    void percentOfIsExactBeforeRounding() {
        // 0.1 + 0.2 style errors would show here with doubles: 33% of 0.30 = 0.099 -> 0.10
        assertThat(Money.percentOf(new BigDecimal("33"), new BigDecimal("0.30"), "USD"))
                .isEqualTo(new BigDecimal("0.10"));
        assertThat(Money.percentOf(new BigDecimal("7.5"), new BigDecimal("19.99"), "EUR"))
                .isEqualTo(new BigDecimal("1.50"));
    }
}

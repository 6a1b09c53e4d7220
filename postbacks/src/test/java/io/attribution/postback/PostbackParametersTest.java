package io.attribution.postback;

import io.attribution.avro.ConversionStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostbackParametersTest {

    private static PostbackParameters query(Map<String, List<String>> query) {
        return PostbackParameters.of(query, Map.of());
    }

    @Test
    void readsTrackierNames() {
        PostbackParameters params = query(Map.of(
                "click_id", List.of("c-1"), "goal_value", List.of("purchase"), "sale_amount", List.of("49.90"),
                "currency", List.of("eur"), "txn_id", List.of("order-7"), "status", List.of("pending")));

        assertThat(params.validate().clickId()).isEqualTo("c-1");
        assertThat(params.goalValue()).contains("purchase");
        assertThat(params.saleAmount()).contains(new BigDecimal("49.90"));
        assertThat(params.currency()).contains("EUR");
        assertThat(params.txnId()).contains("order-7");
        assertThat(params.status()).contains(ConversionStatus.PENDING);
    }

    @Test
    void readsHasOffersAliases() {
        PostbackParameters params = query(Map.of(
                "transaction_id", List.of("c-9"), "adv_sub", List.of("o-1"), "amount", List.of("10")));

        assertThat(params.clickId()).isEqualTo("c-9");
        assertThat(params.txnId()).contains("o-1");
        assertThat(params.saleAmount()).contains(BigDecimal.TEN);
    }

    @Test
    void bodyParametersCountLikeQueryParameters() {
        PostbackParameters params = PostbackParameters.of(Map.of("goal_value", List.of("install")),
                Map.of("click_id", List.of("c-2")));

        assertThat(params.clickId()).isEqualTo("c-2");
        assertThat(params.goalValue()).contains("install");
    }

    @Test
    void missingOrBlankClickIdIsNamed() {
        assertThatThrownBy(() -> query(Map.of("click_id", List.of("  "))).clickId())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo("click_id");
                    assertThat(e.isMissing()).isTrue();
                });
    }

    @Test
    void conflictingValuesAreMalformed() {
        PostbackParameters params = PostbackParameters.of(Map.of("click_id", List.of("a")),
                Map.of("clickid", List.of("b")));

        assertThatThrownBy(params::clickId)
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo("click_id");
                    assertThat(e.isMissing()).isFalse();
                    assertThat(e.getMessage()).contains("conflicting");
                });
    }

    @Test
    void repeatedIdenticalValuesAreOneValue() {
        assertThat(query(Map.of("click_id", List.of("a", "a"))).clickId()).isEqualTo("a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1,5", "-1", "1e400", "0.0000001", "9999999999999", "{sale_amount}", "NaN"})
    void malformedAmountsAreRejectedWithTheFieldNamed(String amount) {
        PostbackParameters params = query(Map.of("click_id", List.of("c"), "sale_amount", List.of(amount)));

        assertThatThrownBy(params::validate)
                .isInstanceOfSatisfying(InvalidParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("sale_amount"));
    }

    @Test
    void unknownCurrencyIsMalformed() {
        assertThatThrownBy(() -> query(Map.of("currency", List.of("XYZ1"))).currency())
                .isInstanceOfSatisfying(InvalidParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("currency"));
    }

    @Test
    void unknownStatusIsMalformed() {
        assertThatThrownBy(() -> query(Map.of("status", List.of("maybe"))).status())
                .isInstanceOfSatisfying(InvalidParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("status"));
    }

    @Test
    void overlongIdIsMalformed() {
        String longId = "x".repeat(PostbackParameters.MAX_ID_LENGTH + 1);
        assertThatThrownBy(() -> query(Map.of("txn_id", List.of(longId))).txnId())
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void flattenKeepsUnknownParametersWithTheirFirstValue() {
        PostbackParameters params = PostbackParameters.of(
                Map.of("click_id", List.of("c"), "coupon", List.of("", "SAVE10")),
                Map.of("my_custom", List.of("x"), "coupon", List.of("OTHER")));

        assertThat(params.flatten()).containsEntry("coupon", "SAVE10").containsEntry("my_custom", "x")
                .containsEntry("click_id", "c");
    }
}

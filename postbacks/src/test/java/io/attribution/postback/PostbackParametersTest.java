package io.attribution.postback;

import io.attribution.avro.ConversionStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
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

    @Test
    void aPostbackCarriesAtMostSixtyFourParameterValues() {
        Map<String, List<String>> query = new LinkedHashMap<>(Map.of("click_id", List.of("c")));
        for (int i = 1; i < PostbackParameters.MAX_PARAMETERS - 2; i++) {
            query.put("p" + i, List.of("v"));
        }
        query.put("twice", List.of("a", "b"));
        assertThat(query(query).validate().clickId()).isEqualTo("c");

        query.put("one-more", List.of("v"));
        assertThatThrownBy(() -> query(query).validate())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(PostbackParameters.PARAMETERS);
                    assertThat(e.getMessage()).contains("65 parameter values").contains("64");
                });
    }

    @Test
    void aPostbackCarriesAtMostFourKibibytesOfParametersCountedInUtf8() {
        // click_id=c is 9 bytes; "é" is 2 bytes in UTF-8; names count too.
        String full = "é".repeat((PostbackParameters.MAX_PARAMETER_BYTES - 9 - 3 * 5) / 2 / 4);
        Map<String, List<String>> query = new LinkedHashMap<>(Map.of("click_id", List.of("c")));
        for (String name : List.of("aaa", "bbb", "ccc", "ddd")) {
            query.put(name, List.of(full));
        }
        query.put("eee", List.of("x".repeat(PostbackParameters.MAX_PARAMETER_BYTES - 9 - 3 * 5 - 4 * 2 * full.length())));
        assertThat(query(query).validate().clickId()).isEqualTo("c");

        query.put("eee", List.of(query.get("eee").get(0) + "x"));
        assertThatThrownBy(() -> query(query).validate())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(PostbackParameters.PARAMETERS);
                    assertThat(e.getMessage()).contains("4097 bytes").contains("4096");
                });
    }

    @Test
    void aParameterValueTakesAtMostOneKibibyte() {
        assertThat(query(Map.of("click_id", List.of("c"), "note", List.of("n".repeat(1024)))).validate().clickId())
                .isEqualTo("c");

        assertThatThrownBy(() -> query(Map.of("click_id", List.of("c"), "note", List.of("n".repeat(1025)))).validate())
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo("note");
                    assertThat(e.getMessage()).contains("1025 bytes").contains("1024");
                });
    }

    @Test
    void withoutClickIdTheMissingClickIdIsNamedBeforeAnyBound() {
        assertThatThrownBy(() -> query(Map.of("note", List.of("n".repeat(5000)))).validate())
                .isInstanceOfSatisfying(InvalidParameterException.class,
                        e -> assertThat(e.parameter()).isEqualTo("click_id"));
    }

    @Test
    void utf8LengthIsWhatTheEncoderWrites() {
        for (String text : List.of("", "abc", "é", "€uro", "\ud83d\ude00", "mixé€\ud83d\ude00")) {
            assertThat(PostbackParameters.utf8Length(text)).as(text)
                    .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        // A lone surrogate is written as one '?': counting two over-estimates, never under.
        assertThat(PostbackParameters.utf8Length("\ud800")).isEqualTo(2);
    }
}

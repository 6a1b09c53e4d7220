package io.attribution.connect.postbacks;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an outgoing postback can tell an affiliate about one record of {@code conversions.attributed}
 * ({@code AttributedConversion}), read from the Connect value: a {@link Struct} as the Avro converter gives it, or a
 * map from a schemaless converter.
 *
 * @param status         upper case, as in the schema ({@code APPROVED}, {@code PENDING}, {@code REJECTED}, {@code CANCELLED})
 * @param previousStatus null for a new conversion; set on a status update (reversal, chargeback)
 * @param test           attributed to a test click of the postback tester: no affiliate hears of it
 */
record Conversion(String conversionId, String clickId, String campaignId, String affiliateId, String goalId,
                  String goalValue, String txnId, String status, String previousStatus, BigDecimal payout,
                  String currency, Map<String, String> subs, boolean test) {

    Conversion {
        subs = subs == null ? Map.of() : subs;
    }

    /** A real conversion (not a test one). */
    Conversion(String conversionId, String clickId, String campaignId, String affiliateId, String goalId,
               String goalValue, String txnId, String status, String previousStatus, BigDecimal payout,
               String currency, Map<String, String> subs) {
        this(conversionId, clickId, campaignId, affiliateId, goalId, goalValue, txnId, status, previousStatus, payout,
                currency, subs, false);
    }

    boolean isStatusUpdate() {
        return previousStatus != null;
    }

    /**
     * The payout as affiliates expect it: the currency's minor unit ({@code 4.50} USD, {@code 450} JPY), or the plain
     * number when the currency is not an ISO 4217 code.
     */
    String payoutText() {
        if (payout == null) {
            return "";
        }
        int digits = -1;
        try {
            digits = Currency.getInstance(currency).getDefaultFractionDigits();
        } catch (RuntimeException notAnIsoCode) {
            // fall through: plain number
        }
        BigDecimal amount = payout.stripTrailingZeros();
        if (digits >= 0 && amount.scale() <= digits) {
            // Exact: amounts are rounded to the minor unit before they are written; only pad.
            amount = amount.setScale(digits, RoundingMode.UNNECESSARY);
        }
        return amount.toPlainString();
    }

    /** Reads a conversion from a record value; fails with a {@link DataException} naming what is missing. */
    static Conversion from(Object value) {
        if (value instanceof Struct struct) {
            return new Conversion(
                    required(struct, "conversion_id"), text(struct, "click_id"), text(struct, "campaign_id"),
                    required(struct, "affiliate_id"), text(struct, "goal_id"), text(struct, "goal_value"),
                    text(struct, "txn_id"), required(struct, "status").toUpperCase(Locale.ROOT),
                    upper(text(struct, "previous_status")), decimal(field(struct, "payout")),
                    text(struct, "currency"), subs(field(struct, "subs")), flag(field(struct, "test")));
        }
        if (value instanceof Map<?, ?> map) {
            return new Conversion(
                    required(map, "conversion_id"), text(map.get("click_id")), text(map.get("campaign_id")),
                    required(map, "affiliate_id"), text(map.get("goal_id")), text(map.get("goal_value")),
                    text(map.get("txn_id")), required(map, "status").toUpperCase(Locale.ROOT),
                    upper(text(map.get("previous_status"))), decimal(map.get("payout")),
                    text(map.get("currency")), subs(map.get("subs")), flag(map.get("test")));
        }
        throw new DataException("not a conversion: expected an AttributedConversion Struct (value.converter "
                + "io.apicurio.registry.utils.converter.AvroConverter) but got "
                + (value == null ? "a null value (tombstone)" : value.getClass().getName()));
    }

    private static Object field(Struct struct, String name) {
        Field field = struct.schema().field(name);
        return field == null ? null : struct.get(field);
    }

    private static String text(Struct struct, String name) {
        return text(field(struct, name));
    }

    private static String required(Struct struct, String name) {
        String text = text(struct, name);
        if (text == null || text.isEmpty()) {
            throw new DataException("conversion without " + name);
        }
        return text;
    }

    private static String required(Map<?, ?> map, String name) {
        String text = text(map.get(name));
        if (text == null || text.isEmpty()) {
            throw new DataException("conversion without " + name);
        }
        return text;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** Absent (a record written before the tester) is false: only a test click's conversion says true. */
    private static boolean flag(Object value) {
        return value instanceof Boolean bool ? bool : value != null && Boolean.parseBoolean(value.toString());
    }

    private static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }

    private static BigDecimal decimal(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        try {
            return new BigDecimal(value.toString());
        } catch (NumberFormatException e) {
            throw new DataException("payout is not a number: " + value, e);
        }
    }

    private static Map<String, String> subs(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new DataException("subs is not a map: " + value.getClass().getName());
        }
        Map<String, String> subs = new HashMap<>();
        map.forEach((k, v) -> {
            if (k != null && v != null) {
                subs.put(k.toString(), v.toString());
            }
        });
        return subs;
    }
}

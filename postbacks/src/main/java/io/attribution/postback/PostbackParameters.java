package io.attribution.postback;

import io.attribution.avro.ConversionStatus;
import io.attribution.avro.RawPostback;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The meaning of a postback's parameters: Trackier names, with the HasOffers and Everflow aliases
 * advertisers already use. Ingest validates with it before writing; the topology reads the same
 * record with it, so both sides agree on every value.
 *
 * <p>A parameter may come from the query string and the body, under its name or an alias; all
 * non-empty values must agree, otherwise the postback is ambiguous and rejected as malformed.
 */
public final class PostbackParameters {

    public static final String CLICK_ID = "click_id";
    public static final String GOAL_VALUE = "goal_value";
    public static final String GOAL_ID = "goal_id";
    public static final String SALE_AMOUNT = "sale_amount";
    public static final String REVENUE = "revenue";
    public static final String CURRENCY = "currency";
    public static final String TXN_ID = "txn_id";
    public static final String STATUS = "status";
    public static final String SECURITY_TOKEN = "security_token";
    public static final String CAMPAIGN_ID = "campaign_id";

    /** Canonical name first, then its aliases (HasOffers: transaction_id, adv_sub, amount; Everflow: order_id, event_id). */
    private static final Map<String, List<String>> NAMES = Map.of(
            CLICK_ID, List.of(CLICK_ID, "clickid", "transaction_id"),
            GOAL_VALUE, List.of(GOAL_VALUE, "goal", "goal_name"),
            GOAL_ID, List.of(GOAL_ID, "event_id"),
            SALE_AMOUNT, List.of(SALE_AMOUNT, "amount"),
            REVENUE, List.of(REVENUE),
            CURRENCY, List.of(CURRENCY),
            TXN_ID, List.of(TXN_ID, "order_id", "adv_sub"),
            STATUS, List.of(STATUS),
            SECURITY_TOKEN, List.of(SECURITY_TOKEN, "token"),
            CAMPAIGN_ID, List.of(CAMPAIGN_ID, "offer_id", "camp_id"));

    /** Ids are keys and log entries: long enough for any tracker, short enough to keep state small. */
    public static final int MAX_ID_LENGTH = AliasedParameters.MAX_ID_LENGTH;
    /**
     * Every conversion carries its postback's parameters into state (the click's ledger and views)
     * and onto the output topics: these bound what one postback may carry, values counted one by
     * one (a name sent three times counts three), in UTF-8 bytes, names included.
     */
    public static final int MAX_PARAMETERS = 64;
    public static final int MAX_PARAMETER_BYTES = 4096;
    public static final int MAX_VALUE_BYTES = 1024;
    /** The field a refusal names when the parameters as a whole are over a bound. */
    public static final String PARAMETERS = "parameters";
    /** Money is carried as decimal(18, 6). */
    private static final int MONEY_SCALE = 6;
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999");
    /**
     * Longer texts are refused before parsing: parsing and stripping trailing zeros cost time
     * quadratic in the length (a 64 KB "1.000..." pins a core for seconds).
     */
    private static final int MAX_AMOUNT_LENGTH = 64;

    private final Map<String, List<String>> query;
    private final Map<String, List<String>> body;
    private final AliasedParameters parameters;

    private PostbackParameters(Map<String, List<String>> query, Map<String, List<String>> body) {
        this.query = query;
        this.body = body;
        this.parameters = new AliasedParameters(NAMES, List.of(query, body));
    }

    public static PostbackParameters of(Map<String, List<String>> query, Map<String, List<String>> body) {
        return new PostbackParameters(query, body);
    }

    public static PostbackParameters of(RawPostback postback) {
        return new PostbackParameters(postback.getQueryParams(), postback.getBodyParams());
    }

    /** Checks every parameter this class knows, and the bounds of all; throws on the first problem. */
    public PostbackParameters validate() {
        clickId();
        withinBounds();
        goalValue();
        goalId();
        saleAmount();
        revenue();
        currency();
        txnId();
        status();
        campaignId();
        return this;
    }

    public String clickId() {
        return id(CLICK_ID).orElseThrow(() -> InvalidParameterException.missing(CLICK_ID));
    }

    public Optional<String> goalValue() {
        return id(GOAL_VALUE);
    }

    public Optional<String> goalId() {
        return id(GOAL_ID);
    }

    public Optional<String> txnId() {
        return id(TXN_ID);
    }

    public Optional<String> securityToken() {
        return single(SECURITY_TOKEN);
    }

    /** The names under which a security token may come, so ingest can replace it with its digest. */
    public static List<String> securityTokenNames() {
        return NAMES.get(SECURITY_TOKEN);
    }

    /** The campaign the advertiser names, so the edge can check its token before writing. */
    public Optional<String> campaignId() {
        return id(CAMPAIGN_ID);
    }

    public Optional<BigDecimal> saleAmount() {
        return amount(SALE_AMOUNT);
    }

    public Optional<BigDecimal> revenue() {
        return amount(REVENUE);
    }

    /** An ISO 4217 code, upper case. */
    public Optional<String> currency() {
        return single(CURRENCY).map(code -> {
            String upper = code.toUpperCase(Locale.ROOT);
            try {
                Currency.getInstance(upper);
                return upper;
            } catch (IllegalArgumentException e) {
                throw InvalidParameterException.malformed(CURRENCY, "currency '" + code + "' is not an ISO 4217 code");
            }
        });
    }

    public Optional<ConversionStatus> status() {
        return single(STATUS).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "approved", "approve", "1" -> ConversionStatus.APPROVED;
            case "pending" -> ConversionStatus.PENDING;
            case "rejected", "reject", "declined" -> ConversionStatus.REJECTED;
            case "cancelled", "canceled", "cancel" -> ConversionStatus.CANCELLED;
            default -> throw InvalidParameterException.malformed(STATUS,
                    "status '" + value + "' is not one of approved, pending, rejected, cancelled");
        });
    }

    /**
     * Every parameter with one value each (the first non-empty one, query before body), under the
     * name the advertiser used: what a conversion carries for data consumers (coupon, sku, subs...).
     * The security token is left out.
     */
    public Map<String, String> flatten() {
        Map<String, String> flat = new LinkedHashMap<>();
        for (Map<String, List<String>> source : List.of(query, body)) {
            source.forEach((name, values) -> {
                if (!securityTokenNames().contains(name)) {
                    values.stream().filter(v -> !v.isEmpty()).findFirst().ifPresent(v -> flat.putIfAbsent(name, v));
                }
            });
        }
        return flat;
    }

    /** Refuses parameters over {@link #MAX_PARAMETERS}, {@link #MAX_PARAMETER_BYTES} or {@link #MAX_VALUE_BYTES}. */
    private void withinBounds() {
        int count = 0;
        long bytes = 0;
        for (Map<String, List<String>> source : List.of(query, body)) {
            for (Map.Entry<String, List<String>> parameter : source.entrySet()) {
                String name = parameter.getKey();
                int nameBytes = utf8Length(name);
                if (nameBytes > MAX_VALUE_BYTES) {
                    throw InvalidParameterException.malformed(PARAMETERS, "a parameter name takes " + nameBytes
                            + " bytes, more than the " + MAX_VALUE_BYTES + " one name may");
                }
                for (String value : parameter.getValue().isEmpty() ? List.of("") : parameter.getValue()) {
                    int valueBytes = utf8Length(value);
                    if (valueBytes > MAX_VALUE_BYTES) {
                        throw InvalidParameterException.malformed(name, name + " takes " + valueBytes
                                + " bytes, more than the " + MAX_VALUE_BYTES + " one value may");
                    }
                    count++;
                    bytes += nameBytes + valueBytes;
                }
            }
        }
        if (count > MAX_PARAMETERS) {
            throw InvalidParameterException.malformed(PARAMETERS, "the postback has " + count
                    + " parameter values, more than the " + MAX_PARAMETERS + " a postback may carry");
        }
        if (bytes > MAX_PARAMETER_BYTES) {
            throw InvalidParameterException.malformed(PARAMETERS, "the parameters take " + bytes
                    + " bytes, more than the " + MAX_PARAMETER_BYTES + " a postback may carry");
        }
    }

    /**
     * The size of a text in UTF-8, as Avro writes it, without encoding it (a lone surrogate, which
     * the encoder replaces with one byte, counts two): for the bounds of what state carries.
     */
    public static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private Optional<String> id(String name) {
        return parameters.id(name);
    }

    private Optional<BigDecimal> amount(String name) {
        return single(name).map(text -> {
            if (text.length() > MAX_AMOUNT_LENGTH) {
                throw InvalidParameterException.malformed(name, name + " is longer than " + MAX_AMOUNT_LENGTH
                        + " characters");
            }
            BigDecimal amount;
            try {
                amount = new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                throw InvalidParameterException.malformed(name, name + " '" + text + "' is not a decimal number");
            }
            if (amount.signum() < 0) {
                throw InvalidParameterException.malformed(name, name + " must not be negative");
            }
            if (amount.compareTo(MAX_AMOUNT) > 0) {
                throw InvalidParameterException.malformed(name, name + " is larger than " + MAX_AMOUNT.toPlainString());
            }
            if (amount.stripTrailingZeros().scale() > MONEY_SCALE) {
                throw InvalidParameterException.malformed(name, name + " has more than " + MONEY_SCALE + " decimal places");
            }
            return amount;
        });
    }

    /** The one value of a parameter across its aliases and both sources; empty values count as absent. */
    private Optional<String> single(String canonical) {
        return parameters.single(canonical);
    }
}

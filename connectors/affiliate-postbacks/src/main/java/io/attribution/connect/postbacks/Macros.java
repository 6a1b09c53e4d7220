package io.attribution.connect.postbacks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The macros a postback URL template may use, and how a value is encoded into the URL. */
final class Macros {

    /** Macro name (without braces) to its value for a conversion; missing values are empty. */
    static final Map<String, Function<Conversion, String>> ALL;

    static {
        Map<String, Function<Conversion, String>> all = new LinkedHashMap<>();
        all.put("click_id", Conversion::clickId);
        all.put("conversion_id", Conversion::conversionId);
        all.put("txn_id", Conversion::txnId);
        all.put("goal", Conversion::goalValue);
        all.put("goal_id", Conversion::goalId);
        all.put("payout", Conversion::payoutText);
        all.put("currency", Conversion::currency);
        all.put("status", c -> lower(c.status()));
        all.put("previous_status", c -> lower(c.previousStatus()));
        all.put("campaign_id", Conversion::campaignId);
        all.put("affiliate_id", Conversion::affiliateId);
        for (int i = 1; i <= 15; i++) {
            String sub = "sub" + i;
            all.put(sub, c -> c.subs().get(sub));
        }
        ALL = Collections.unmodifiableMap(all);
    }

    private Macros() {
    }

    static String value(String macro, Conversion conversion) {
        String value = ALL.get(macro).apply(conversion);
        return value == null ? "" : value;
    }

    /**
     * Percent-encodes everything but RFC 3986's unreserved characters, so a value is safe in a path segment, a query
     * parameter and a form body alike (a space is {@code %20}, never {@code +}).
     */
    static String encode(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        if (encoded.indexOf('+') < 0 && encoded.indexOf('*') < 0 && encoded.indexOf('%') < 0) {
            return encoded;
        }
        return encoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String names() {
        return "{" + String.join("}, {", ALL.keySet()) + "}";
    }

    private static String lower(String status) {
        return status == null ? null : status.toLowerCase(Locale.ROOT);
    }
}

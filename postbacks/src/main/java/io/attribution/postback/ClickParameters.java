package io.attribution.postback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The meaning of a tracking link's parameters ({@code /click}): the campaign and the affiliate,
 * under the names networks use for them, and the affiliate's {@code sub1}..{@code sub15}. Read
 * like a postback's ({@link AliasedParameters}): values under several names must agree.
 */
public final class ClickParameters {

    public static final String CAMPAIGN_ID = PostbackParameters.CAMPAIGN_ID;
    public static final String AFFILIATE_ID = "affiliate_id";
    public static final int SUBS = 15;

    /**
     * Canonical name first. The campaign's names are a postback's ({@code offer_id}, {@code camp_id})
     * plus {@code campaign}; the affiliate's are HasOffers' {@code aff_id} and {@code affiliate}.
     */
    private static final Map<String, List<String>> NAMES = names();

    private final AliasedParameters parameters;

    private final Map<String, List<String>> query;

    private ClickParameters(Map<String, List<String>> query) {
        this.query = query;
        this.parameters = new AliasedParameters(NAMES, List.of(query));
    }

    /** @param query the link's query string, as names to every value sent */
    public static ClickParameters of(Map<String, List<String>> query) {
        return new ClickParameters(query);
    }

    private static Map<String, List<String>> names() {
        Map<String, List<String>> names = new LinkedHashMap<>();
        names.put(CAMPAIGN_ID, List.of(CAMPAIGN_ID, "offer_id", "camp_id", "campaign"));
        names.put(AFFILIATE_ID, List.of(AFFILIATE_ID, "aff_id", "affiliate"));
        return Map.copyOf(names);
    }

    public String campaignId() {
        return parameters.id(CAMPAIGN_ID).orElseThrow(() -> InvalidParameterException.missing(CAMPAIGN_ID));
    }

    public String affiliateId() {
        return parameters.id(AFFILIATE_ID).orElseThrow(() -> InvalidParameterException.missing(AFFILIATE_ID));
    }

    /**
     * The subs sent, by name ({@code sub1}..{@code sub15}): the first non-blank value of each, as
     * sent; for {@code sub1}..{@code sub5} the first non-blank under their other names
     * ({@link #subAliases}) when the canonical name has none. Unlike the ids, a sub that looks like
     * an unfilled macro, or that disagrees with an alias, is kept as the canonical name has it: it is
     * the affiliate's own data, and refusing the click would lose the visitor. Each is at most
     * {@link PostbackParameters#MAX_VALUE_BYTES} in UTF-8; other parameters are not kept.
     */
    public Map<String, String> subs() {
        Map<String, String> subs = new LinkedHashMap<>();
        for (int n = 1; n <= SUBS; n++) {
            String sub = "sub" + n;
            Optional<String> sent = subAliases(n).stream()
                    .flatMap(name -> query.getOrDefault(name, List.of()).stream())
                    .filter(v -> !v.isBlank()).findFirst();
            if (sent.isEmpty()) {
                continue;
            }
            int bytes = PostbackParameters.utf8Length(sent.get());
            if (bytes > PostbackParameters.MAX_VALUE_BYTES) {
                throw InvalidParameterException.malformed(sub, sub + " takes " + bytes
                        + " bytes, more than the " + PostbackParameters.MAX_VALUE_BYTES + " one value may");
            }
            subs.put(sub, sent.get());
        }
        return subs;
    }

    /**
     * The names sub {@code n} is read under, canonical first: HasOffers' {@code aff_sub},
     * {@code aff_sub2}..{@code aff_sub5} and CAKE's {@code s1}..{@code s5} for the first five.
     */
    static List<String> subAliases(int n) {
        if (n > 5) {
            return List.of("sub" + n);
        }
        return List.of("sub" + n, n == 1 ? "aff_sub" : "aff_sub" + n, "s" + n);
    }
}

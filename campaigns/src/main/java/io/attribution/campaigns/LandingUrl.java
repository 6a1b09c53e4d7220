package io.attribution.campaigns;

import io.attribution.avro.Campaign;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A campaign's landing URL: where the edge's {@code /click} sends the visitor, with the click's
 * macros filled in. The template is checked once, when a campaign is written or read (an absolute
 * http or https URL with a host once its macros are filled), so that filling it on the request
 * path cannot fail.
 */
public final class LandingUrl {

    public static final String CLICK_ID = "click_id";
    public static final String CAMPAIGN_ID = "campaign_id";
    public static final String AFFILIATE_ID = "affiliate_id";
    public static final int SUBS = 15;

    /** Every macro a template may hold, as {@code {name}}: anything else in braces is left as it is. */
    public static final Set<String> MACROS = Stream.concat(Stream.of(CLICK_ID, CAMPAIGN_ID, AFFILIATE_ID),
            IntStream.rangeClosed(1, SUBS).mapToObj(LandingUrl::sub)).collect(Collectors.toUnmodifiableSet());

    /** Long enough for any tracker's link, short enough for every browser and a 302's Location. */
    public static final int MAX_LENGTH = 2048;

    private static final Pattern MACRO = Pattern.compile("\\{([a-z0-9_]+)}");

    private LandingUrl() {
    }

    /** The template for an affiliate's clicks: its override, else the campaign's; empty when neither is set. */
    public static Optional<String> templateFor(Campaign campaign, String affiliateId) {
        String override = campaign.getAffiliateLandingUrls().get(affiliateId);
        return Optional.ofNullable(override != null ? override : campaign.getLandingUrl());
    }

    /** {@code sub1}..{@code sub15}. */
    public static String sub(int n) {
        return "sub" + n;
    }

    /**
     * What is wrong with a landing URL template, if anything: it must be an absolute http or https
     * URL with a host, once every macro is filled with a plain value.
     */
    public static Optional<String> problem(String template) {
        if (template == null || template.isBlank()) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (template.length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        Matcher macro = MACRO.matcher(template);
        while (macro.find()) {
            if (!MACROS.contains(macro.group(1))) {
                return Optional.of("'" + template + "' has the unknown macro " + macro.group()
                        + "; known are {click_id}, {campaign_id}, {affiliate_id}, {sub1}..{sub" + SUBS + "}");
            }
        }
        URI uri;
        try {
            // Macros sit where values go; a plain value in their place tells whether the rest is a URL.
            uri = new URI(fill(template, name -> "x"));
        } catch (URISyntaxException e) {
            return Optional.of("'" + template + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("'" + template + "' must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("'" + template + "' has no host");
        }
        return Optional.empty();
    }

    /**
     * The template with each macro replaced by its value, URL-encoded (an absent value leaves it
     * empty), for a template {@link #problem} found nothing wrong with.
     *
     * @param values by macro name ({@link #MACROS}); a missing one fills as the empty text
     */
    public static String fill(String template, Map<String, String> values) {
        return fill(template, name -> URLEncoder.encode(values.getOrDefault(name, ""), StandardCharsets.UTF_8)
                .replace("+", "%20"));
    }

    private static String fill(String template, UnaryOperator<String> valueOf) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        Matcher macro = MACRO.matcher(template);
        StringBuilder filled = new StringBuilder(template.length() + 64);
        while (macro.find()) {
            String name = macro.group(1);
            macro.appendReplacement(filled, Matcher.quoteReplacement(
                    MACROS.contains(name) ? valueOf.apply(name) : macro.group()));
        }
        macro.appendTail(filled);
        return filled.toString();
    }
}

package io.attribution.postback;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parameters that networks send under several names (Trackier's, with the HasOffers and Everflow
 * aliases), from one or more sources (query string, body): each read as one value. Every non-empty
 * value under any of its names must agree, otherwise the request is ambiguous and refused as
 * malformed; a value that is a macro nobody filled in ({sub1}, [amount], %amount%) is refused too.
 * Postbacks and clicks read their parameters the same way through this.
 */
public final class AliasedParameters {

    /** Ids are keys and log entries: long enough for any tracker, short enough to keep state small. */
    public static final int MAX_ID_LENGTH = 256;
    /** An advertiser that forgot to fill a macro sends it literally: {sale_amount}, [amount], %amount%. */
    private static final Pattern UNFILLED_MACRO = Pattern.compile("^(\\{[^}]*}|\\[[^]]*]|%[^%]+%|\\$\\{[^}]*})$");
    /** The first character of every {@link #UNFILLED_MACRO}: most values need no regex. */
    private static final String MACRO_OPENERS = "{[%$";

    private final Map<String, List<String>> names;
    private final List<Map<String, List<String>>> sources;
    /** Each parameter looked up once: validation reads them all, and callers read some again. */
    private final Map<String, Optional<String>> resolved = new HashMap<>();

    /**
     * @param names   canonical name to every name it may come under, the canonical one first
     * @param sources where parameters come from, the first one's values first
     */
    public AliasedParameters(Map<String, List<String>> names, List<Map<String, List<String>>> sources) {
        this.names = names;
        this.sources = sources;
    }

    /** The one value of a parameter across its aliases and the sources; empty values count as absent. */
    public Optional<String> single(String canonical) {
        Optional<String> known = resolved.get(canonical);
        if (known == null) {
            known = resolve(canonical);
            resolved.put(canonical, known);
        }
        return known;
    }

    /** {@link #single}, checked as an id: at most {@link #MAX_ID_LENGTH} characters, no control characters. */
    public Optional<String> id(String canonical) {
        Optional<String> value = single(canonical);
        value.ifPresent(v -> {
            if (v.length() > MAX_ID_LENGTH) {
                throw InvalidParameterException.malformed(canonical, canonical + " is longer than " + MAX_ID_LENGTH
                        + " characters");
            }
            if (hasControlCharacter(v)) {
                throw InvalidParameterException.malformed(canonical, canonical + " contains control characters");
            }
        });
        return value;
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private Optional<String> resolve(String canonical) {
        String first = null;
        // Only once a second, different value shows up: then the request is refused.
        Set<String> conflicting = null;
        for (String name : names.get(canonical)) {
            for (Map<String, List<String>> source : sources) {
                List<String> sent = source.get(name);
                if (sent == null) {
                    continue;
                }
                for (String value : sent) {
                    if (value.isBlank()) {
                        continue;
                    }
                    String stripped = value.strip();
                    if (first == null) {
                        first = stripped;
                    } else if (!first.equals(stripped)) {
                        if (conflicting == null) {
                            conflicting = new LinkedHashSet<>();
                            conflicting.add(first);
                        }
                        conflicting.add(stripped);
                    }
                }
            }
        }
        if (conflicting != null) {
            throw InvalidParameterException.malformed(canonical,
                    canonical + " has conflicting values " + new ArrayList<>(conflicting));
        }
        if (first == null) {
            return Optional.empty();
        }
        if (MACRO_OPENERS.indexOf(first.charAt(0)) >= 0 && UNFILLED_MACRO.matcher(first).matches()) {
            throw InvalidParameterException.malformed(canonical,
                    canonical + " '" + first + "' looks like a macro the advertiser did not fill in");
        }
        return Optional.of(first);
    }
}

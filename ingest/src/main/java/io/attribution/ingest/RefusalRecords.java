package io.attribution.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the record of a refused request small, whatever was sent: a refused request may be
 * anything a broken or hostile client sends, and thousands of them are recorded per minute. At
 * most 64 parameter values of at most 1 KiB, 4 KiB of names and values in all (the query string
 * first, then the body), and texts (headers, the reason) of at most 256 or 512 characters; a cut
 * value ends with {@value #CUT}. A few KiB per record, far below any broker limit.
 */
final class RefusalRecords {

    static final String CUT = "…";
    private static final int MAX_VALUES = 64;
    private static final int MAX_VALUE_CHARS = 1024;
    private static final int MAX_TOTAL_CHARS = 4096;
    static final int MAX_TEXT_CHARS = 256;
    static final int MAX_DETAIL_CHARS = 512;

    private int valuesLeft = MAX_VALUES;
    private int charsLeft = MAX_TOTAL_CHARS;

    /** The parameters of one record: query and body share the bounds. */
    RefusalRecords() {
    }

    /** As many of {@code params}, in their order, as the bounds still allow. */
    Map<String, List<String>> keep(Map<String, List<String>> params) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            String name = text(param.getKey(), MAX_TEXT_CHARS);
            List<String> values = new ArrayList<>();
            for (String value : param.getValue()) {
                int room = Math.min(MAX_VALUE_CHARS, charsLeft - name.length());
                if (valuesLeft == 0 || room <= CUT.length()) {
                    break;
                }
                String bounded = text(value, room);
                values.add(bounded);
                valuesLeft--;
                charsLeft -= name.length() + bounded.length();
            }
            if (values.isEmpty()) {
                break;
            }
            kept.put(name, List.copyOf(values));
        }
        return kept;
    }

    /**
     * {@code text} as UTF-8 stores it (a lone surrogate becomes '?'), cut to {@code maxChars}
     * without splitting a surrogate pair, or null for null: the answer, which quotes it, and the
     * record then say the same.
     */
    static String text(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String stored = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        if (stored.length() <= maxChars) {
            return stored;
        }
        int end = maxChars - CUT.length();
        if (Character.isHighSurrogate(stored.charAt(end - 1))) {
            end--;
        }
        return stored.substring(0, end) + CUT;
    }
}

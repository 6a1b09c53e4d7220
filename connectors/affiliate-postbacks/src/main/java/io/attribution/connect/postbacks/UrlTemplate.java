package io.attribution.connect.postbacks;

import java.util.ArrayList;
import java.util.List;

/**
 * Text with {@code {macro}} placeholders, checked once when the connector is configured and filled for every
 * conversion with URL-encoded values. Text outside the braces is kept as written.
 */
final class UrlTemplate {

    private final String source;
    /** Literal text at even indexes, macro names at odd ones. */
    private final String[] parts;
    private final int literalLength;

    private UrlTemplate(String source, String[] parts) {
        this.source = source;
        this.parts = parts;
        int length = 0;
        for (int i = 0; i < parts.length; i += 2) {
            length += parts[i].length();
        }
        this.literalLength = length;
    }

    /** @throws IllegalArgumentException naming an unknown macro or an unclosed brace */
    static UrlTemplate parse(String source) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int open = source.indexOf('{', from);
            if (open < 0) {
                parts.add(source.substring(from));
                break;
            }
            int close = source.indexOf('}', open + 1);
            if (close < 0) {
                throw new IllegalArgumentException("'{' at position " + open + " is never closed");
            }
            String macro = source.substring(open + 1, close);
            if (!Macros.ALL.containsKey(macro)) {
                throw new IllegalArgumentException("unknown macro {" + macro + "}; the macros are " + Macros.names());
            }
            parts.add(source.substring(from, open));
            parts.add(macro);
            from = close + 1;
        }
        return new UrlTemplate(source, parts.toArray(String[]::new));
    }

    String fill(Conversion conversion) {
        StringBuilder filled = new StringBuilder(literalLength + 16 * (parts.length / 2));
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 0) {
                filled.append(parts[i]);
            } else {
                filled.append(Macros.encode(Macros.value(parts[i], conversion)));
            }
        }
        return filled.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}

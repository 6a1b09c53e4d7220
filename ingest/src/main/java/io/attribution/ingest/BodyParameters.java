package io.attribution.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.util.UrlEncoded;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the parameters of a postback body: a form or a flat JSON object. */
final class BodyParameters {

    /**
     * Amounts must keep every digit the advertiser sent: no trip through double, and no trailing
     * zeros stripped (the tree model strips them by default: 12.50 would become 12.5).
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** Beyond this many places (either side of the point), a JSON number is stored in scientific notation. */
    private static final int MAX_PLAIN_EXPONENT = 64;

    private BodyParameters() {
    }

    static Map<String, List<String>> parse(String contentType, byte[] body) throws UnsupportedBodyException {
        if (body.length == 0) {
            return Map.of();
        }
        String mimeType = contentType == null ? "" : MimeTypes.getContentTypeWithoutCharset(contentType).trim();
        return switch (mimeType.toLowerCase()) {
            case "application/x-www-form-urlencoded" -> form(new String(body, StandardCharsets.UTF_8));
            case "application/json" -> json(body);
            default -> throw new UnsupportedBodyException(415,
                    "body must be application/x-www-form-urlencoded or application/json, was '" + contentType + "'");
        };
    }

    /** Query strings and form bodies share one syntax. */
    static Map<String, List<String>> form(String encoded) throws UnsupportedBodyException {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        // Decoded straight into the map the record carries: no second copy.
        Map<String, List<String>> params = new LinkedHashMap<>();
        try {
            UrlEncoded.decodeUtf8To(encoded, 0, encoded.length(),
                    (name, value) -> params.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UnsupportedBodyException(400, "parameters are not valid URL encoding: " + e.getMessage());
        }
        return params;
    }

    private static Map<String, List<String>> json(byte[] body) throws UnsupportedBodyException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Where, not what: Jackson's message quotes the body, which may hold a security token,
            // and the message is recorded for the postback log.
            JsonLocation at = e.getLocation();
            throw new UnsupportedBodyException(400, at == null ? "body is not valid JSON"
                    : "body is not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
        } catch (NumberFormatException e) {
            // Jackson reads 1e2147483648 as a BigDecimal and fails outside its exception hierarchy.
            throw new UnsupportedBodyException(400, "body has a number out of range: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new UnsupportedBodyException(400, "body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UnsupportedBodyException(400, "JSON body must be an object of parameters");
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        root.fields().forEachRemaining(field -> {
            List<String> values = new ArrayList<>();
            if (field.getValue().isArray()) {
                field.getValue().forEach(item -> addScalar(values, item));
            } else {
                addScalar(values, field.getValue());
            }
            params.put(field.getKey(), List.copyOf(values));
        });
        return params;
    }

    /** Numbers keep their written digits; objects are kept whole as JSON text; null is absent. */
    private static void addScalar(List<String> values, JsonNode node) {
        if (node.isNull()) {
            return;
        }
        if (node.isNumber()) {
            values.add(numberText(node.decimalValue()));
        } else if (node.isValueNode()) {
            values.add(node.asText());
        } else {
            values.add(node.toString());
        }
    }

    /**
     * Plain digits ({@code 12.50}), unless the exponent is large: {@code 1e999999999} is kept in
     * scientific notation rather than expanded to a billion characters.
     */
    private static String numberText(BigDecimal number) {
        return Math.abs((long) number.scale()) <= MAX_PLAIN_EXPONENT ? number.toPlainString() : number.toString();
    }
}

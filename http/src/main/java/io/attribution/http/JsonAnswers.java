package io.attribution.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * How every one of our servers answers: JSON in UTF-8, never cached (postbacks, campaigns and state
 * move on between two requests), and one error shape, so a client parses one thing whichever port
 * it talks to:
 * <pre>{"status":"rejected","error":"MALFORMED","field":"sale_amount","message":"..."}</pre>
 * where {@code status} is the API's word for a refusal ({@code rejected} for postbacks, {@code error}
 * for the admin API, absent for the query API) and {@code field} is there when one parameter is at fault.
 */
public final class JsonAnswers {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String CONTENT_TYPE = "application/json";

    private JsonAnswers() {
    }

    /** Writes {@code body} (a Jackson tree, a map or a record Jackson can write) with {@code status}. */
    public static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        JSON.writeValue(response.getOutputStream(), body);
    }

    /** Writes a body already rendered as JSON in UTF-8, in one write of a known length. */
    public static void writeRendered(HttpServletResponse response, int status, byte[] json) throws IOException {
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(json.length);
        ServletOutputStream out = response.getOutputStream();
        out.write(json);
        // As Jackson's writeValue does: the answer is complete.
        out.close();
    }

    /**
     * Writes a 503 that tells the client when to ask again: nothing was done, and trying later will work.
     */
    public static void unavailable(HttpServletResponse response, long retryAfterSeconds, ObjectNode body)
            throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, body);
    }

    /** Writes a 401 for a request without the token it needs: {@code WWW-Authenticate: Bearer} and {@code body}. */
    public static void unauthorized(HttpServletResponse response, ObjectNode body) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(response, HttpServletResponse.SC_UNAUTHORIZED, body);
    }

    /**
     * @param status the API's word for the refusal, or null for none
     * @param field  the parameter at fault, or null
     */
    public static ObjectNode error(String status, String error, String field, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (status != null) {
            body.put("status", status);
        }
        body.put("error", error);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", message == null ? "" : message);
        return body;
    }

    /** The body as text, for the few answers written outside a servlet (Jetty's own error pages). */
    public static String text(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not writable as JSON: " + body, e);
        }
    }
}

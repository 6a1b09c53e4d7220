package io.attribution.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON answers of the ingest edge: one shape for every outcome, so clients parse one thing. */
final class JsonAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonAnswer() {
    }

    static void accepted(HttpServletResponse response, String requestId) throws IOException {
        write(response, HttpServletResponse.SC_OK, Map.of("status", "accepted", "request_id", requestId));
    }

    /** A postback the edge refuses: {@code error} is a stable code, {@code field} the parameter at fault. */
    static void rejected(HttpServletResponse response, int status, String error, String field, String message)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "rejected");
        body.put("error", error);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", message);
        write(response, status, body);
    }

    /** Stored for the record but refused: {@code error} is the rejection reason. */
    static void refused(HttpServletResponse response, int status, String error, String message, String requestId)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "rejected");
        body.put("error", error);
        body.put("message", message);
        body.put("request_id", requestId);
        write(response, status, body);
    }

    /** Nothing was stored: the advertiser must send the postback again after {@code retryAfterSeconds}. */
    static void unavailable(HttpServletResponse response, long retryAfterSeconds, String message) throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "unavailable");
        body.put("error", "NOT_STORED");
        body.put("message", message);
        write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, body);
    }

    static String error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "rejected");
        // Jetty's size limit answers 413 before the servlet runs: same code as the servlet's own 413.
        body.put("error", status == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE ? "PAYLOAD_TOO_LARGE" : "HTTP_" + status);
        body.put("message", message == null ? "" : message);
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(HttpServletResponse response, int status, Map<String, ?> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        JSON.writeValue(response.getOutputStream(), body);
    }
}
